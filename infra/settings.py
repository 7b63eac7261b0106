"""The one configuration class, read from the environment (and an optional .env file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    conflict_retries: int = Field(
        5, ge=1, le=50, description="Attempts of a command (load, check, save) before a version conflict exits 5"
    )
    command_cache_size: int = Field(
        1000, ge=0, description="Groups a long-running process keeps between commands (0: reload every time)"
    )

    projection_database_url: str | None = Field(
        None, description="Read models; unset = the ledger's PostgreSQL, or var/projections.sqlite"
    )
    projector_group_id: str = Field("oar-ledger-projector", description="Kafka consumer group")
    dead_letter_topic: str | None = Field(
        None, description="Park undecodable messages here (group marked stale) instead of stopping"
    )
    pending_request_days: int | None = Field(
        None, ge=0, description="Compliance: flag requests waiting longer (unset = each pack's limit)"
    )
    closure_days: Annotated[list[date], NoDecode] = Field(
        default_factory=list,
        description="Compliance: days that are not working days besides weekends (ISO dates, comma-separated)",
    )
    consumer_session_timeout_ms: int = Field(10_000, ge=1000, description="Projector consumer group session")
    consumer_heartbeat_interval_ms: int = Field(3_000, ge=100, description="Projector heartbeat")

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

    @field_validator("closure_days", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """``OAR_CLOSURE_DAYS=2025-12-25,2025-12-26``; bounded, each a date."""
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and len(value) > 1000:
            raise ValueError("at most 1000 closure days")
        return value

    # Tamper evidence (infra/evidence): checkpoint signing and schedule.
    signing_key_path: Path | None = Field(
        None, description="Ed25519 checkpoint-signing key (PEM); unset = <var_dir>/keys/ledger-signing.key"
    )
    signing_key_name: str = Field("oar-ledger", description="Signed-note key name (no spaces or '+')")
    verifier_key: str | None = Field(
        None, description="Public verifier key (vkey string or file) for `verify`; unset = from the signing key"
    )
    checkpoint_origin: str | None = Field(
        None, description="Checkpoint origin line; unset = oar-ledger.alumni.cern/<ledger_topic>"
    )
    checkpoint_every_events: int = Field(1000, ge=1, description="Checkpoint after this many new events")
    checkpoint_every_seconds: float = Field(300, gt=0, description="... or after this long with new events")

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "ledger.sqlite"

    @property
    def projection_url(self) -> str:
        if self.projection_database_url:
            return self.projection_database_url
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'projections.sqlite'}"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None
