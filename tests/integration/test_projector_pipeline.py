"""Commands -> event store -> relay -> broker -> projector -> read models, on SQLite and
PostgreSQL: the read models say what the aggregates say, the audit trail holds every
stored event once and in order, and duplicated messages change nothing."""

from __future__ import annotations

import pytest
from test_projector_support import (
    check_audit_trail,
    check_read_models,
    create_topics,
    on_topic,
    open_ledger,
    project,
    read_records,
    send_raw,
    stored,
)

from bootstrap import build_projection_engine, build_relay
from entrypoints.demo.script import DemoRun
from entrypoints.demo.year import run_year
from projections.compare import compare

pytestmark = pytest.mark.integration


def play_year(ledger, clock, suffix: str) -> DemoRun:
    run = DemoRun(app=ledger.app, clock=clock, suffix=suffix)
    run_year(run)
    assert run.refusals, "the demo year includes refused attempts"
    return run


def test_demo_year_projected_through_the_broker(settings, clock, dev_broker, unique_topic, tmp_path):
    bootstrap = dev_broker.bootstrap_servers
    main = on_topic(settings, unique_topic)
    clean = on_topic(settings, f"{unique_topic}.clean")  # the same ledger, relayed without duplicates
    create_topics(main, bootstrap)
    create_topics(clean, bootstrap)
    with open_ledger(main, clock) as ledger, open_ledger(clean, clock) as clean_ledger:
        run = play_year(ledger, clock, "p1")
        first = len(stored(ledger))
        assert first == len([o for o in run.outcomes if o.accepted]) > 60
        assert build_relay(ledger, bootstrap).drain() == first
        assert build_relay(clean_ledger, bootstrap).drain() == first

        engine = build_projection_engine(main)  # the ledger's PostgreSQL schema, or var/projections.sqlite
        try:
            assert project(main, engine, bootstrap) == first
            assert check_read_models(ledger, engine) == 7
            assert check_audit_trail(ledger, engine) == first

            # At-least-once delivery: re-send a third of the messages (same key, headers and
            # body, same partition), then record more events after them.
            records = read_records(bootstrap, main.ledger_topic, first)
            again = [r for i, r in enumerate(records) if i % 3 == 0]
            send_raw(bootstrap, main.ledger_topic, [(r.partition, r.key, r.value, r.headers) for r in again])
            play_year(ledger, clock, "p2")
            total = len(stored(ledger))
            assert build_relay(ledger, bootstrap).drain() == total - first
            assert build_relay(clean_ledger, bootstrap).drain() == total - first
            read_records(bootstrap, main.ledger_topic, total + len(again))  # duplicates in the middle

            # the running projection skips the duplicates and applies the new events
            assert project(main, engine, bootstrap) == total - first
            # a fresh projection of the topic with duplicates, and one of the clean topic
            with_duplicates = build_projection_engine(main, f"sqlite:///{tmp_path}/with-duplicates.sqlite")
            reference = build_projection_engine(clean, f"sqlite:///{tmp_path}/clean.sqlite")
            try:
                assert project(main, with_duplicates, bootstrap) == total
                assert project(clean, reference, bootstrap) == total
                assert compare(engine, reference) == []
                assert compare(with_duplicates, reference) == []
                assert check_read_models(ledger, engine) == 14
                assert check_audit_trail(ledger, engine) == total
                assert check_audit_trail(ledger, with_duplicates) == total
            finally:
                with_duplicates.dispose()
                reference.dispose()
            # and running it again over the whole topic finds nothing new
            assert project(main, engine, bootstrap) == 0
        finally:
            engine.dispose()
