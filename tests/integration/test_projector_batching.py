"""Applying events as one unit of work per batch equals applying them one by one, on SQLite
and PostgreSQL: the demo year (every kind of change: upserts, updates, increments, deletes,
appended rows), read back from the topic, with duplicates re-sent in between, is projected
once as one big batch, once in small batches that cut through every group (rows loaded,
updated and deleted across batches), once by the projector's own polls, and once one event
per transaction; ``projections.compare`` finds no difference."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text
from test_projector_support import check_audit_trail, check_read_models, create_topics, on_topic, open_ledger, project
from test_projector_support import read_records as read_topic

from bootstrap import build_projection_engine, build_relay
from infra.db import make_engine, sqlalchemy_url
from entrypoints.demo.script import DemoRun
from entrypoints.demo.year import run_year
from infra.kafka.envelope import decode
from infra.settings import Settings
from projections.compare import compare
from projections.tables import read_models
from projections.writer import apply_events

pytestmark = pytest.mark.integration


@contextmanager
def projection_database(settings: Settings, tmp_path, name: str) -> Iterator[Engine]:
    """An empty projection database of the same kind as ``settings``' (its own schema on PostgreSQL)."""
    if not settings.uses_postgres:
        engine = make_engine(f"sqlite:///{tmp_path}/{name}.sqlite")
        read_models.create_all(engine)
        yield engine
        engine.dispose()
        return
    schema = f"{settings.database_schema}_{name}"[:63]
    engine = make_engine(settings.database_url, schema)
    read_models.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        admin = create_engine(sqlalchemy_url(settings.database_url))
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def apply_in_batches(engine: Engine, events: list, size: int) -> int:
    """Apply ``events`` in order, ``size`` per transaction; the number applied."""
    applied = 0
    for start in range(0, len(events), size):
        with engine.begin() as connection:
            applied += apply_events(connection, events[start : start + size])
    return applied


@contextmanager
def demo_year_on_topic(settings: Settings, clock, bootstrap: str) -> Iterator[tuple]:
    """The demo year recorded, relayed and read back: (ledger, [(event, position)] by partition
    then offset)."""
    create_topics(settings, bootstrap)
    with open_ledger(settings, clock) as ledger:
        run_year(DemoRun(app=ledger.app, clock=clock, suffix=uuid.uuid4().hex[:6]))
        total = build_relay(ledger, bootstrap).drain()
        records = read_topic(bootstrap, settings.ledger_topic, total)
        yield ledger, [(m.event(), m.position) for m in (decode(r.key, r.value, r.headers) for r in records)]


def test_one_batch_equals_one_event_at_a_time(settings, clock, dev_broker, unique_topic, tmp_path):
    bootstrap = dev_broker.bootstrap_servers
    s = on_topic(settings, unique_topic)
    with demo_year_on_topic(s, clock, bootstrap) as (ledger, events):
        total = len(events)
        assert total > 60
        assert len({e.originator_id for e, _ in events}) == 7
        # each third event is delivered again five events later: an earlier version of its group
        delivered = []
        for i, entry in enumerate(events):
            delivered.append(entry)
            if i >= 5 and i % 3 == 0:
                delivered.append(events[i - 5])
        assert len(delivered) > len(events)

        with (
            projection_database(s, tmp_path, "one_by_one") as one_by_one,
            projection_database(s, tmp_path, "one_batch") as one_batch,
            projection_database(s, tmp_path, "small_batches") as small_batches,
        ):
            assert apply_in_batches(one_by_one, delivered, 1) == total
            assert apply_in_batches(one_batch, delivered, len(delivered)) == total
            assert apply_in_batches(small_batches, delivered, 7) == total
            assert check_read_models(ledger, one_by_one) == 7
            assert check_audit_trail(ledger, one_by_one) == total
            assert compare(one_batch, one_by_one) == []
            assert compare(small_batches, one_by_one) == []

            polled = build_projection_engine(s)  # the projector itself, batches as its polls return them
            try:
                assert project(s, polled, bootstrap) == total
                assert compare(polled, one_by_one) == []
                with one_batch.connect() as connection:  # all duplicates now
                    assert apply_events(connection, events) == 0
            finally:
                polled.dispose()


def test_a_difference_would_be_seen(settings, clock, dev_broker, unique_topic, tmp_path):
    """The comparison above is not vacuous: one event fewer is a difference."""
    s = on_topic(settings, unique_topic)
    with demo_year_on_topic(s, clock, dev_broker.bootstrap_servers) as (_, events):
        with (
            projection_database(s, tmp_path, "all") as everything,
            projection_database(s, tmp_path, "but_last") as but_last,
        ):
            apply_in_batches(everything, events, len(events))
            apply_in_batches(but_last, events[:-1], len(events))
            assert compare(everything, but_last) != []
