"""The one configuration class, read from the environment (and an optional .env file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

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
    database_password_file: Path | None = Field(
        None,
        description="File holding the PostgreSQL password (a Docker secret); read at start, never logged",
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
    policy_pack_versions: str | None = Field(
        None,
        description="Further policy-pack versions to install (an amendment an institution published): "
        "comma-separated module:attribute, each a PolicyPack; unset = the published packs only",
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
    refusal_topic: str = Field("oar.refusals.v1", description="Refused commands, hash-chained (one partition)")
    topic_partitions: int = Field(6, ge=1)
    topic_replication_factor: int = Field(1, ge=1)
    # Bounded waits on the broker (issue 15): a stalled broker is noticed, never waited on forever.
    kafka_request_timeout_ms: int = Field(
        10_000, ge=1000, le=300_000, description="Any one request to the broker (producer, consumer, admin)"
    )
    kafka_connect_timeout_ms: int = Field(
        10_000, ge=1000, le=300_000, description="Reaching the broker when a client starts (bootstrap)"
    )
    kafka_ack_timeout_seconds: float = Field(
        30, ge=1, le=600, description="A batch not acknowledged within this means a stalled broker: log, reconnect, retry"
    )
    relay_max_backoff_seconds: float = Field(30, ge=1, le=600, description="Longest wait between the relay's retries")
    kafka_max_message_bytes: int = Field(
        1_048_576, ge=1024, le=100 * 1_048_576,
        description="Largest message the relay sends (the producer's max_request_size); keep it at most the "
        "ledger topic's max.message.bytes. Raise both to publish an event refused as too large",
    )
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
    signing_key_name: str | None = Field(
        None, description="Signed-note key name (no spaces or '+'); unset = the checkpoint origin (C2SP)"
    )
    verifier_key: str | None = Field(
        None, description="Public verifier key (vkey string or file) for `verify`; unset = from the signing key"
    )
    checkpoint_origin: str | None = Field(
        None, description="Checkpoint origin line; unset = oar-ledger.alumni.cern/<ledger_topic>"
    )
    checkpoint_every_events: int = Field(1000, ge=1, description="Checkpoint after this many new events")
    checkpoint_every_seconds: float = Field(300, gt=0, description="... or after this long with new events")

    # Authentication (infra/auth) and the HTTP API (entrypoints/api).
    oidc_issuer: str | None = Field(
        None, description="OpenID Connect issuer URL (production); unset = the ledger's local issuer"
    )
    oidc_discovery_url: str | None = Field(
        None, description="unset = <oidc_issuer>/.well-known/openid-configuration"
    )
    oidc_refresh_min_seconds: float = Field(
        10, ge=0, description="An unknown key id refetches the JWKS at most this often"
    )
    verified_token_memory_seconds: float = Field(
        60, ge=0, le=300,
        description="A verified token is not checked again for this long (capped by its expiry); 0 = every request",
    )
    token_audience: str = Field("oar-ledger", description="The audience ('aud') every token must name")
    roles_claim: str = Field("groups", description="Token claim listing the caller's groups/roles")
    oar_claim_value: str = Field("oar-officers", description="A value of roles_claim that means the OAR")
    auditor_claim_value: str = Field("oar-auditors", description="A value of roles_claim that means auditor")
    local_issuer: str = Field("oar-ledger-local", description="Issuer name of the ledger's own tokens")
    token_key_path: Path | None = Field(
        None, description="Local issuer's Ed25519 key; unset = <var_dir>/keys/token-signing.key"
    )
    require_token: bool = Field(
        False, description="CLI writes need a verified token (always true when oidc_issuer is set)"
    )
    token: SecretStr | None = Field(None, description="OAR_TOKEN: the CLI's bearer token")
    api_host: str = Field("127.0.0.1", description="`serve` listens here")
    api_port: int = Field(8000, ge=1, le=65535)
    api_workers: int = Field(
        1, ge=1, le=32, description="`serve`'s worker processes; above 1 needs PostgreSQL (about one per core)"
    )
    api_max_body_bytes: int = Field(65536, ge=1024, description="Larger request bodies get 413")
    api_cors_origins: list[str] = Field(default_factory=list, description="CORS is off unless origins are listed")
    web_secret_path: Path | None = Field(
        None, description="Secret signing the web pages' CSRF tokens; unset = <var_dir>/keys/web-secret.key"
    )
    oidc_client_id: str | None = Field(
        None, description="The pages' OIDC client id (authorization code + PKCE); unset = token_audience"
    )
    oidc_client_secret: SecretStr | None = Field(None, description="Only for a confidential client")
    oidc_scopes: str = Field("openid profile", description="Scopes the pages ask the issuer for")
    web_session_hours: int = Field(8, ge=1, le=24, description="Web sign-in lasts this long")
    denied_log_per_minute: int = Field(
        60, ge=1, description="Denied attempts written to the refusal log per minute (the rest are counted)"
    )

    log_format: Literal["text", "json"] = Field("text", description="Log lines as text, or JSON (one event per line)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Lowest level logged")
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="Serve /metrics, /healthz, /readyz on this port (relay, projector); unset = off"
    )
    metrics_host: str = Field("127.0.0.1", description="Address the metrics endpoint listens on (0.0.0.0 in containers)")

    @field_validator("oidc_issuer", "oidc_discovery_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        """``OAR_OIDC_ISSUER=`` (the compose file's development env) means the local issuer."""
        return value.strip() or None if value is not None else None

    @field_validator("policy_pack_versions")
    @classmethod
    def _module_attribute_pairs(cls, value: str | None) -> str | None:
        """Each entry ``package.module:ATTRIBUTE``; checked at start, not at the first command."""
        if value is None or not value.strip():
            return None
        for ref in (part.strip() for part in value.split(",") if part.strip()):
            module, colon, attribute = ref.partition(":")
            dotted = module.split(".")
            if not (colon and attribute.isidentifier() and all(part.isidentifier() for part in dotted)):
                raise ValueError(f"{ref[:80]!r} is not module:attribute (e.g. amendments.cern_2027:PACK)")
        return value

    @property
    def policy_pack_version_refs(self) -> tuple[str, ...]:
        """The ``module:attribute`` entries of ``policy_pack_versions``, in order."""
        return tuple(part.strip() for part in (self.policy_pack_versions or "").split(",") if part.strip())

    @field_validator("database_password_file")
    @classmethod
    def _password_file_readable(cls, path: Path | None) -> Path | None:
        """Fail at start, naming the setting, rather than at the first connection."""
        if path is not None:
            if not path.is_file():
                raise ValueError(f"no such file: {path}")
            if not path.read_text(encoding="utf-8").strip():
                raise ValueError(f"the file {path} is empty: put the database password in it")
        return path

    @property
    def database_password(self) -> SecretStr | None:
        """The password from ``database_password_file`` (trailing newline removed)."""
        if self.database_password_file is None:
            return None
        return SecretStr(self.database_password_file.read_text(encoding="utf-8").strip())

    def connect_url(self, url: str) -> str:
        """``url`` with the password from the file when it names the ledger's database and
        carries none itself. The result holds a secret: connect with it, never print it."""
        from sqlalchemy.engine import make_url

        password = self.database_password
        if password is None or url != self.database_url or make_url(url).password:
            return url
        with_password = make_url(url).set(password=password.get_secret_value())
        return with_password.render_as_string(hide_password=False)

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
    def token_key_file(self) -> Path:
        return self.token_key_path or self.var_dir / "keys" / "token-signing.key"

    @property
    def web_secret_file(self) -> Path:
        return self.web_secret_path or self.var_dir / "keys" / "web-secret.key"

    @property
    def authentication_required(self) -> bool:
        """Writes need a verified identity (the API always; the CLI when configured)."""
        return self.require_token or self.oidc_issuer is not None

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None
