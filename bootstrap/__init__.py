"""The composition root: the CLI, the API, the relay and every consumer build here.

Nothing is built at import time; ``build_ledger`` wires the event store, the
project's own tables and the clock from one :class:`Settings`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from typing import TYPE_CHECKING

from infra.clock import system_clock
from infra.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from infra.store.refusals import RefusalLog
    from service.ledger import LedgerApplication

# Heavy imports (SQLAlchemy, eventsourcing, Kafka) happen inside the builders, so that an
# entrypoint pays only for what it builds (`oar-ledger --help` builds nothing).


def build_clock(settings: Settings) -> Callable[[], datetime]:
    """The ledger's clock: the system's, in UTC (tests and the demo pass their own)."""
    return system_clock


def event_store_env(settings: Settings) -> dict[str, str]:
    """eventsourcing's own configuration keys, derived from our settings."""
    create = "y" if settings.create_tables else "n"
    if not settings.uses_postgres:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": "30",
            "CREATE_TABLE": create,
        }
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.database or "postgres",
        "POSTGRES_HOST": url.host or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username or "postgres",
        "POSTGRES_PASSWORD": _password(settings, url.password),
        "CREATE_TABLE": create,
    }
    if settings.database_schema:
        env["POSTGRES_SCHEMA"] = settings.database_schema
    return env


def _password(settings: Settings, in_url: str | None) -> str:
    from_file = settings.database_password
    return from_file.get_secret_value() if from_file is not None and not in_url else in_url or ""


def ledger_database_url(settings: Settings) -> str:
    """The ledger database's URL as configured (no password from a file: safe to show)."""
    if settings.uses_postgres:
        return settings.database_url
    return f"sqlite:///{settings.sqlite_path}"


def build_ledger_engine(settings: Settings) -> Engine:
    """The engine of the ledger database (its SQLite folder made if missing: 0700, and the
    database file 0600)."""
    from infra.db import make_engine
    from infra.files import private_dir, private_file

    if not settings.uses_postgres:
        private_dir(settings.var_dir)
        private_file(settings.sqlite_path)
    url = settings.connect_url(ledger_database_url(settings))
    return make_engine(url, settings.database_schema, "OAR_DATABASE_URL")


def store_position(settings: Settings) -> int:
    """The event store's head position without building the ledger (read-model freshness)."""
    from infra.db import make_engine
    from infra.store.head import head_position

    if not settings.uses_postgres and not settings.sqlite_path.exists():
        return 0
    engine = make_engine(settings.connect_url(ledger_database_url(settings)), settings.database_schema, "OAR_DATABASE_URL")
    try:
        return head_position(engine)
    finally:
        engine.dispose()


@dataclass
class Ledger:
    """The wired ledger: application, database engine and settings."""

    settings: Settings
    app: LedgerApplication
    engine: Engine
    refusals: RefusalLog
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        self.app.close()
        self.engine.dispose()


def build_ledger(
    settings: Settings | None = None, clock: Callable[[], datetime] = system_clock
) -> Ledger:
    from infra.db import table_creation_lock
    from infra.migrations.schema import ensure_schema, require_schema  # registers every ledger table
    from infra.store.refusals import RefusalLog
    from service.ledger import LedgerApplication

    settings = settings or Settings()
    install_policy_packs(settings)  # the rules its aggregates check: published + the setting's
    # One process at a time creates tables (issue 15): the engine (may create the schema), our
    # tables (migrated by Alembic), the application's (the event store's) and the relay's
    # NOTIFY trigger.
    creating = settings.create_tables
    url = settings.connect_url(ledger_database_url(settings))
    with table_creation_lock(url, "OAR_DATABASE_URL") if creating else nullcontext():
        engine = build_ledger_engine(settings)
        if creating:
            ensure_schema(engine)
        else:
            require_schema(engine)
        refusals = RefusalLog(engine)
        app = LedgerApplication(
            env=event_store_env(settings),
            clock=clock,
            refusals=refusals,
            conflict_retries=settings.conflict_retries,
            cache_size=settings.command_cache_size,
        )
        if creating and settings.uses_postgres:  # the relay's wake-up (infra/store/wakeup.py)
            from infra.store.wakeup import install_notify_trigger

            install_notify_trigger(engine, app.recorder.datastore.schema, app.recorder.events_table_name)
    return Ledger(settings=settings, app=app, engine=engine, refusals=refusals)


def build_projection_engine(settings: Settings, url: str | None = None) -> Engine:
    """The read-model database (created if missing)."""
    from infra.db import make_engine, missing_columns, parse_database_url, table_creation_lock
    from infra.files import private_dir, private_file, sqlite_file
    from projections.tables import read_models

    source = ("--into" if url else "OAR_PROJECTION_DATABASE_URL" if settings.projection_database_url
              else "OAR_DATABASE_URL")  # fmt: skip
    url = url or settings.projection_url
    parse_database_url(url, source)
    if (path := sqlite_file(url)) is not None:
        private_dir(path.parent)
        private_file(path)
    schema = settings.database_schema if url == settings.database_url else None
    with table_creation_lock(settings.connect_url(url), source):
        engine = make_engine(settings.connect_url(url), schema, source)
        read_models.create_all(engine)
    stale = missing_columns(engine, read_models)
    if stale:
        from infra.migrations.schema import SchemaOutOfDate

        engine.dispose()
        raise SchemaOutOfDate(
            f"the read models were made by an older release (missing {', '.join(stale[:5])}): they are "
            "derived data, so rebuild them with `oar-ledger replay --into URL` into a fresh database and "
            "point OAR_PROJECTION_DATABASE_URL at it"
        )
    return engine


def build_projector(settings: Settings, engine: Engine, bootstrap: str, *, use_group: bool = True):
    """The projector consuming the ledger topic into ``engine``. Without a consumer
    group it reads every partition itself (one projector, or a replay)."""
    from consumers.projector import Projector, ProjectorConfig
    from infra.kafka.config import CONSUMER_FETCH, kafka_client_config

    config = ProjectorConfig(
        topic=settings.ledger_topic,
        client=kafka_client_config(settings, bootstrap),
        group_id=settings.projector_group_id if use_group else None,
        dead_letter_topic=settings.dead_letter_topic,
        ack_timeout=settings.kafka_ack_timeout_seconds,
        consumer_options={
            "session_timeout_ms": settings.consumer_session_timeout_ms,
            "heartbeat_interval_ms": settings.consumer_heartbeat_interval_ms,
            **CONSUMER_FETCH,
        },
    )
    return Projector(engine, config)


# The wiring of each concern lives in its own module; the root re-exports the builders so
# that every entrypoint imports from one place. (These modules import nothing heavy.)
from bootstrap.auth import build_denial_recorder, build_local_issuer, build_token_verifier  # noqa: E402
from bootstrap.policy import PolicyPackSettingError, install_policy_packs  # noqa: E402
from bootstrap.evidence import build_checkpoint_hook, build_checkpointer, checkpoint_now  # noqa: E402
from bootstrap.relay import build_relay, build_relay_lock, build_wakeup, psycopg_conninfo  # noqa: E402
from bootstrap.web import build_oidc_client, build_web_secret  # noqa: E402

__all__ = [
    "Ledger", "build_checkpoint_hook", "build_checkpointer", "build_clock", "build_denial_recorder",
    "build_ledger", "build_ledger_engine", "build_local_issuer", "build_projection_engine", "build_projector", "build_relay",
    "build_relay_lock", "install_policy_packs", "PolicyPackSettingError", "build_token_verifier", "build_wakeup", "checkpoint_now", "event_store_env",
    "ledger_database_url", "psycopg_conninfo", "build_web_secret", "build_oidc_client",
]
