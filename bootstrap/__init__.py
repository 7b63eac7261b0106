"""The composition root: the CLI, the API, the relay and every consumer build here.

Nothing is built at import time; ``build_ledger`` wires the event store, the
project's own tables and the clock from one :class:`Settings`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from infra.clock import system_clock
from infra.db import make_engine, metadata, parse_database_url
from infra.files import private_dir, private_file, sqlite_file
from infra.settings import Settings
from service.ledger import LedgerApplication
from infra.store.refusals import RefusalLog
import infra.evidence.tables  # noqa: F401  (Merkle leaves and checkpoints live in the ledger database)
import infra.kafka.relay_state  # noqa: F401  (its tables live in the ledger database)


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
    url = make_url(settings.database_url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.database or "postgres",
        "POSTGRES_HOST": url.host or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username or "postgres",
        "POSTGRES_PASSWORD": url.password or "",
        "CREATE_TABLE": create,
    }
    if settings.database_schema:
        env["POSTGRES_SCHEMA"] = settings.database_schema
    return env


def ledger_database_url(settings: Settings) -> str:
    if settings.uses_postgres:
        return settings.database_url
    return f"sqlite:///{settings.sqlite_path}"


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
    settings = settings or Settings()
    if not settings.uses_postgres:
        private_dir(settings.var_dir)
        private_file(settings.sqlite_path)
    engine = make_engine(ledger_database_url(settings), settings.database_schema, "OAR_DATABASE_URL")
    if settings.create_tables:
        metadata.create_all(engine)
    refusals = RefusalLog(engine)
    app = LedgerApplication(
        env=event_store_env(settings),
        clock=clock,
        refusals=refusals,
        conflict_retries=settings.conflict_retries,
        cache_size=settings.command_cache_size,
    )
    return Ledger(settings=settings, app=app, engine=engine, refusals=refusals)


def build_relay(ledger: Ledger, bootstrap: str, batch_size: int = 1000):
    """The outbox relay for ``ledger`` publishing to the broker at ``bootstrap``."""
    from infra.kafka.config import kafka_client_config, topic_specs
    from service.relay import Relay
    from infra.kafka.relay_state import RelayStateStore

    settings = ledger.settings
    ledger_spec = next(s for s in topic_specs(settings) if s.name == settings.ledger_topic)
    relay = Relay(
        ledger.app.recorder,
        RelayStateStore(ledger.engine, settings.ledger_topic),
        kafka_client_config(settings, bootstrap),
        ledger_spec,
        batch_size=batch_size,
    )
    ledger.closers.append(relay.close)
    return relay


def build_relay_lock(ledger: Ledger) -> AbstractContextManager[None]:
    """The one-relay-per-ledger lock (advisory lock on PostgreSQL, file lock on SQLite)."""
    from infra.kafka.relay_lock import relay_lock

    return relay_lock(ledger.settings, ledger.engine)


def build_checkpointer(ledger: Ledger, *, bootstrap: str | None = None):
    """A checkpointer configured from the settings; publishes checkpoints if ``bootstrap``
    is given. Raises ``MissingSigningKey`` when there is no key file."""
    from infra.evidence.publish import publisher_for
    from infra.evidence.signing import checkpoint_origin, load_signer
    from service.evidence.checkpointer import Checkpointer

    settings = ledger.settings
    origin = checkpoint_origin(settings)
    return Checkpointer(
        ledger.app.recorder, ledger.engine, load_signer(settings), origin,
        every_events=settings.checkpoint_every_events, every_seconds=settings.checkpoint_every_seconds,
        publisher=publisher_for(settings, bootstrap, origin),
    )  # fmt: skip


def build_checkpoint_hook(ledger: Ledger, bootstrap: str | None = None):
    """The relay loop's checkpoint hook; its checkpointer is closed with the ledger."""
    from service.evidence.service import CheckpointHook

    hook = CheckpointHook(lambda: build_checkpointer(ledger, bootstrap=bootstrap), ledger.app.clock)
    ledger.closers.append(hook.close)
    return hook


def checkpoint_now(ledger: Ledger, *, bootstrap: str | None = None, force: bool = True):
    """Extend the tree and sign a checkpoint now (``force``) or only if due; None if nothing new."""
    from service.evidence.service import checkpoint_with

    return checkpoint_with(build_checkpointer(ledger, bootstrap=bootstrap), ledger.app.clock(), force=force)


def build_projection_engine(settings: Settings, url: str | None = None) -> Engine:
    """The read-model database (created if missing)."""
    from projections.tables import read_models

    source = ("--into" if url else "OAR_PROJECTION_DATABASE_URL" if settings.projection_database_url
              else "OAR_DATABASE_URL")  # fmt: skip
    url = url or settings.projection_url
    parse_database_url(url, source)
    if (path := sqlite_file(url)) is not None:
        private_dir(path.parent)
        private_file(path)
    engine = make_engine(url, settings.database_schema if url == settings.database_url else None, source)
    read_models.create_all(engine)
    return engine


def build_projector(settings: Settings, engine: Engine, bootstrap: str, *, use_group: bool = True):
    """The projector consuming the ledger topic into ``engine``. Without a consumer
    group it reads every partition itself (one projector, or a replay)."""
    from consumers.projector import Projector, ProjectorConfig
    from infra.kafka.config import kafka_client_config

    config = ProjectorConfig(
        topic=settings.ledger_topic,
        client=kafka_client_config(settings, bootstrap),
        group_id=settings.projector_group_id if use_group else None,
        dead_letter_topic=settings.dead_letter_topic,
        consumer_options={
            "session_timeout_ms": settings.consumer_session_timeout_ms,
            "heartbeat_interval_ms": settings.consumer_heartbeat_interval_ms,
        },
    )
    return Projector(engine, config)
