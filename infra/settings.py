"""The one configuration class, read from the environment (and an optional .env file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable, with the embedded default (SQLite under ./var,
    development broker on demand). Every field reads ``OAR_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="OAR_", env_file=".env", extra="ignore")

    var_dir: Path = Field(Path("var"), description="Where the embedded default keeps its files")
    database_url: str | None = Field(
        None,
        description="PostgreSQL URL (postgresql://user@host:5432/db); unset = SQLite in var_dir",
    )
    database_schema: str | None = Field(None, description="PostgreSQL schema for every table")
    create_tables: bool = Field(True, description="Create missing tables at start")
    conflict_retries: int = Field(5, ge=1, le=50, description="Reloads on a version conflict")

    kafka_bootstrap_servers: str | None = Field(
        None,
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "OAR_KAFKA_BOOTSTRAP_SERVERS"),
        description="unset = start the development broker on demand",
    )
    kafka_client_id: str = "oar-ledger"
    ledger_topic: str = "oar.ledger.v1"
    checkpoint_topic: str = "oar.checkpoints.v1"
    topic_partitions: int = Field(6, ge=1)
    topic_replication_factor: int = Field(1, ge=1)
    kafka_security_protocol: str | None = None
    kafka_ssl_cafile: str | None = None
    kafka_ssl_certfile: str | None = None
    kafka_ssl_keyfile: str | None = None
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "ledger.sqlite"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None
