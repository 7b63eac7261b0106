"""Messages the projector cannot apply, on SQLite and PostgreSQL: a version gap stops it
with the message's coordinates and nothing after it applied; an undecodable message is
parked on the dead-letter topic (when one is set) and its group marked stale."""

from __future__ import annotations

import threading

import pytest
from kafka import KafkaConsumer, TopicPartition
from test_projector_support import (
    OAR,
    count,
    create_topics,
    member,
    offsets,
    on_topic,
    open_ledger,
    rows,
    send_raw,
    stored,
)

from consumers.failures import ProjectorStopped
from domain import commands as c
from bootstrap import build_projection_engine, build_projector
from infra.kafka.envelope import encode
from infra.kafka.topics import TopicSpec
from projections.tables import audit_trail, groups, stale_groups

pytestmark = pytest.mark.integration


def two_groups(ledger, clock) -> dict[str, list[tuple[int, object]]]:
    """Group ``alpha`` with five events, ``beta`` with three: {slug: [(position, event)]}."""
    app = ledger.app
    for slug, joins in (("alpha", 3), ("beta", 1)):
        app.execute(c.RequestGroup(
            actor=member("m-1"), group=slug, name=slug.title(), group_type="regional", managed_by="alumni",
            visibility="public", objectives="Alumni meeting in the tests", proposed_managers=("m-1", "m-2"),
        ))  # fmt: skip
        clock.advance(minutes=1)
        app.execute(c.ApproveGroup(actor=OAR, group=slug, reason="objectives are clear"))
        for j in range(joins):
            clock.advance(minutes=1)
            app.execute(c.JoinGroup(actor=member(f"a-{j}"), group=slug))
    by_slug: dict[str, list] = {"alpha": [], "beta": []}
    for position, event in stored(ledger):
        by_slug["alpha" if event.originator_id == app.group("alpha").id else "beta"].append((position, event))
    return by_slug


def message(entry) -> tuple[int, bytes, bytes, list]:
    position, event = entry
    return (0, *encode(event, position))


def versions(engine) -> dict[str, int]:
    return {r.slug: r.version for r in rows(engine, groups)}


def run_once(settings, engine, bootstrap) -> int:
    projector = build_projector(settings, engine, bootstrap, use_group=False)
    try:
        return projector.run(threading.Event(), once=True)
    finally:
        projector.close()


def test_a_version_gap_stops_the_projector_before_anything_after_it(settings, clock, dev_broker, unique_topic):
    bootstrap = dev_broker.bootstrap_servers
    s = on_topic(settings, unique_topic, topic_partitions=1)
    create_topics(s, bootstrap)
    with open_ledger(s, clock) as ledger:
        events = two_groups(ledger, clock)
    alpha, beta = events["alpha"], events["beta"]
    # one partition: alpha v1, v2, beta v1, alpha v4 (v3 is missing), beta v2, alpha v3
    order = [alpha[0], alpha[1], beta[0], alpha[3], beta[1], alpha[2]]
    send_raw(bootstrap, s.ledger_topic, [message(e) for e in order])
    gap = alpha[3][1]

    engine = build_projection_engine(s)
    try:
        for attempt in range(2):  # a restart stops at the same message: nothing is skipped
            with pytest.raises(ProjectorStopped) as stopped:
                run_once(s, engine, bootstrap)
            text = str(stopped.value)
            assert f"{s.ledger_topic} partition 0 offset 3" in text, text
            assert f"event {gap.event_id}" in text and "version 4" in text and "missing" in text, text
            assert versions(engine) == {"alpha": 2, "beta": 1}, attempt  # beta v2, after the gap, is not applied
            assert [r.position for r in sorted(rows(engine, audit_trail), key=lambda r: r.position)] == sorted(
                p for p, _ in order[:3])
            assert offsets(engine, s.ledger_topic) == {0: 3}  # the restart retries the gap
    finally:
        engine.dispose()


def test_an_undecodable_message_is_parked_and_its_group_marked_stale(settings, clock, dev_broker, unique_topic):
    bootstrap = dev_broker.bootstrap_servers
    dead_letters = f"{unique_topic}.dead-letters"
    s = on_topic(settings, unique_topic, topic_partitions=1, dead_letter_topic=dead_letters)
    create_topics(s, bootstrap, TopicSpec(dead_letters, 1, 1))
    with open_ledger(s, clock) as ledger:
        events = two_groups(ledger, clock)
    alpha, beta = events["alpha"], events["beta"]
    _, key, _, headers = message(alpha[1])
    garbage = (0, key, b'{"originator_id": "truncated', headers)  # alpha v2's envelope, a broken body
    send_raw(bootstrap, s.ledger_topic, [message(alpha[0]), garbage, message(beta[0]), message(beta[1])])

    engine = build_projection_engine(s)
    try:
        assert run_once(s, engine, bootstrap) == 3
        assert versions(engine) == {"alpha": 1, "beta": 2}  # the other group carries on
        (stale,) = rows(engine, stale_groups)
        assert stale.group_id == str(alpha[1][1].originator_id)
        assert "malformed" in stale.reason
        assert offsets(engine, s.ledger_topic) == {0: 4}
        assert count(engine, audit_trail) == 3

        parked = read_dead_letters(bootstrap, dead_letters)
        assert len(parked) == 1
        (record,) = parked
        assert (record.key, record.value) == (garbage[1], garbage[2])
        parked_headers = dict(record.headers)
        assert parked_headers["dlq_source"] == f"{s.ledger_topic}/0/1".encode()
        assert b"malformed" in parked_headers["dlq_error"]
        assert parked_headers["ce_id"] == dict(headers)["ce_id"]  # the original headers are kept

        assert run_once(s, engine, bootstrap) == 0  # nothing new; the parked message is not retried
        assert len(read_dead_letters(bootstrap, dead_letters)) == 1
    finally:
        engine.dispose()


def read_dead_letters(bootstrap: str, topic: str) -> list:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        found: list = []
        for _ in range(20):
            for batch in consumer.poll(timeout_ms=200).values():
                found += batch
            if consumer.highwater(tp) is not None and consumer.position(tp) >= consumer.highwater(tp):
                break
        return found
    finally:
        consumer.close()


def test_a_later_message_of_a_stale_group_is_parked_whatever_the_batching(
    sqlite_settings, clock, dev_broker, unique_topic
):
    bootstrap = dev_broker.bootstrap_servers
    dead_letters = f"{unique_topic}.dead-letters"
    s = on_topic(sqlite_settings, unique_topic, topic_partitions=1, dead_letter_topic=dead_letters)
    create_topics(s, bootstrap, TopicSpec(dead_letters, 1, 1))
    with open_ledger(s, clock) as ledger:
        events = two_groups(ledger, clock)
    alpha, beta = events["alpha"], events["beta"]
    _, key, _, headers = message(alpha[1])
    send_raw(bootstrap, s.ledger_topic, [message(alpha[0]), (0, key, b"not json", headers), message(beta[0])])
    engine = build_projection_engine(s)
    try:
        assert run_once(s, engine, bootstrap) == 2
        send_raw(bootstrap, s.ledger_topic, [message(alpha[2]), message(beta[1])])  # a later poll
        assert run_once(s, engine, bootstrap) == 1
        assert versions(engine) == {"alpha": 1, "beta": 2}
        assert len(read_dead_letters(bootstrap, dead_letters)) == 2
    finally:
        engine.dispose()
