"""Wiring of the outbox relay: its producer settings, wake-up and one-relay lock."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bootstrap import Ledger

from infra.settings import Settings


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
        wakeup=build_wakeup(ledger),
        ack_timeout=settings.kafka_ack_timeout_seconds,
        max_message_bytes=settings.kafka_max_message_bytes,
    )
    ledger.closers.append(relay.close)
    return relay


def psycopg_conninfo(settings: Settings) -> str:
    """The ledger's PostgreSQL URL as libpq takes it (a plain ``postgresql://`` URI), with the
    password from ``database_password_file`` when the URL has none. Holds a secret: never print it."""
    from sqlalchemy.engine import make_url

    return make_url(settings.connect_url(settings.database_url)).set(drivername="postgresql").render_as_string(hide_password=False)


def build_wakeup(ledger: Ledger):
    """What wakes the relay when events are stored: PostgreSQL NOTIFY, or SQLite's data_version."""
    from infra.store.wakeup import PostgresWakeup, SQLiteWakeup, channel_name

    recorder = ledger.app.recorder
    if not ledger.settings.uses_postgres:
        return SQLiteWakeup(str(ledger.settings.sqlite_path))
    channel = channel_name(recorder.datastore.schema, recorder.events_table_name)
    return PostgresWakeup(psycopg_conninfo(ledger.settings), channel)


def build_relay_lock(ledger: Ledger) -> AbstractContextManager[None]:
    """The one-relay-per-ledger lock (advisory lock on PostgreSQL, file lock on SQLite)."""
    from infra.kafka.relay_lock import relay_lock

    return relay_lock(ledger.settings, ledger.engine)
