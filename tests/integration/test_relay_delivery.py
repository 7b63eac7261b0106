"""The relay delivers the store to Kafka: every event exactly once (no crash), each group in
ledger order on one partition, in the CloudEvents binary-mode envelope, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from test_relay_support import (
    CE_HEADERS,
    LEDGER_HEADERS,
    check_ledger_order,
    count_at_least,
    create_topics,
    decoded,
    on_topic,
    open_ledger,
    play_demo_year,
    positions_of,
    read_topic,
    stored_count,
)

from bootstrap import build_relay
from infra.kafka.envelope import SOURCE, SPEC_VERSION, TYPE_PREFIX

pytestmark = pytest.mark.integration


def test_every_stored_event_arrives_once_and_each_group_in_ledger_order(
    settings, clock, dev_broker, unique_topic, unique_group, kafka_consumer_settings
):
    settings = on_topic(settings, unique_topic)
    create_topics(settings, dev_broker.bootstrap_servers)
    with open_ledger(settings, clock) as ledger:
        runs = [play_demo_year(ledger, clock, suffix) for suffix in ("a1", "b2")]
        stored = stored_count(ledger)
        assert stored > 100 and sum(len(run.groups) for run in runs) >= 10

        relay = build_relay(ledger, dev_broker.bootstrap_servers, batch_size=17)  # several batches
        relay.check()
        batches: list[tuple[int, int]] = []
        assert relay.drain(on_batch=lambda sent, position: batches.append((sent, position))) == stored
        assert batches[-1] == (stored, stored) and len(batches) == -(-stored // 17)
        assert relay.pending() == 0 and relay.drain() == 0  # nothing sent twice
        assert relay.check().position == stored  # the broker holds the last acknowledged messages
        notifications = ledger.app.recorder.select_notifications(1, stored)

    records = read_topic(
        dev_broker.bootstrap_servers, unique_topic, count_at_least(stored),
        group_id=unique_group, **kafka_consumer_settings,
    )  # fmt: skip

    # exactly once: N messages, positions 1..N without duplicates
    assert len(records) == stored
    assert sorted(positions_of(records)) == list(range(1, stored + 1))
    per_group = check_ledger_order(records, stored)
    assert len(per_group) == len({n.originator_id for n in notifications})

    by_position = {n.id: n for n in notifications}
    for record, message in decoded(records):
        headers = dict(record.headers)
        assert CE_HEADERS | LEDGER_HEADERS <= set(headers), sorted(headers)
        assert headers["ce_specversion"].decode() == SPEC_VERSION
        assert headers["ce_source"].decode() == SOURCE
        assert headers["ce_type"].decode().startswith(TYPE_PREFIX) and message.event_type.endswith(".v1")
        assert headers["content-type"] == b"application/json"
        # the message is the stored event: same aggregate, version, type, time and hash
        stored_event = by_position[message.position]
        state = json.loads(stored_event.state)
        assert message.group_id == stored_event.originator_id
        assert message.body["originator_version"] == stored_event.originator_version
        assert stored_event.topic.endswith(":" + message.event_type.rsplit(".", 1)[0])
        assert message.event_hash == state["event_hash"] == message.recomputed_hash()
        assert message.previous_hash == state["previous_hash"]
        assert message.time == state["timestamp"]
        assert "originator_topic" not in message.body
        message.event()  # the body validates as its pydantic event class
    assert len({m.event_id for _, m in decoded(records)}) == stored
