"""A downstream team's view: another Kafka client (confluent-kafka), the CloudEvents SDK's
Kafka binding and the published JSON Schemas (``contracts/schemas``) read the topic with
no code of the ledger's own."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from pathlib import Path

import confluent_kafka
import jsonschema
import pytest

# cloudevents 2.x: the core Kafka binding (the 1.x ``cloudevents.kafka`` API lives on as
# ``cloudevents.v1.kafka``, with other signatures).
from cloudevents.core.bindings import kafka as cloudevents_kafka
from test_relay_support import create_topics, on_topic, open_ledger, play_demo_year, stored_count

from bootstrap import build_relay

pytestmark = pytest.mark.integration

SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "schemas"
PREFIX = "ch.cern.alumni.ledger."


def consume_all(bootstrap: str, topic: str, group: str, count: int, timeout: float = 30.0) -> list:
    consumer = confluent_kafka.Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        # Tansu holds a JoinGroup for half the session timeout (DEV-BROKER.md): test setting.
        "session.timeout.ms": 2000,
        "heartbeat.interval.ms": 500,
    })  # fmt: skip
    messages = []
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + timeout
        while len(messages) < count:
            assert time.monotonic() < deadline, f"read {len(messages)} of {count} messages in {timeout}s"
            message = consumer.poll(0.5)
            if message is None:
                continue
            assert message.error() is None, message.error()
            messages.append(message)
        # nothing beyond the stored events (exactly once without a crash)
        extra = consumer.poll(1.0)
        assert extra is None or extra.error() is not None, "more messages than stored events"
    finally:
        consumer.close()
    return messages


def test_confluent_consumer_reads_cloudevents_that_match_the_published_schemas(
    sqlite_settings, clock, dev_broker, unique_topic, unique_group
):
    assert any(SCHEMAS.glob("*.v1.json")), f"no published JSON Schemas under {SCHEMAS}"
    settings = on_topic(sqlite_settings, unique_topic)
    create_topics(settings, dev_broker.bootstrap_servers)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "ce01")
        stored = stored_count(ledger)
        relay = build_relay(ledger, dev_broker.bootstrap_servers)
        relay.check()
        assert relay.drain() == stored

    messages = consume_all(dev_broker.bootstrap_servers, unique_topic, unique_group, stored)

    validators: dict[str, jsonschema.protocols.Validator] = {}
    seen_ids, seen_positions, seen_types = set(), set(), set()
    for message in messages:
        headers = {name: value for name, value in message.headers() or []}
        event = cloudevents_kafka.from_binary_event(
            cloudevents_kafka.KafkaMessage(headers=headers, key=message.key(), value=message.value())
        )
        assert event.get_specversion() == "1.0"
        assert event.get_source() == "urn:cern:alumni:oar-ledger"
        assert event.get_type().startswith(PREFIX) and event.get_type().endswith(".v1")
        assert event.get_datacontenttype() == "application/json"
        subject = event.get_subject()
        assert subject and uuid.UUID(subject) and message.key() == subject.encode()
        assert event.get_extension("partitionkey") == subject  # the SDK maps the key here
        when = event.get_time()
        assert isinstance(when, datetime) and when.tzinfo is not None
        data = event.get_data()
        assert isinstance(data, dict)
        assert data["originator_id"] == subject
        assert datetime.fromisoformat(data["timestamp"].replace("Z", "+00:00")) == when
        seen_ids.add(uuid.UUID(event.get_id()))
        seen_positions.add(int(headers["ledger_position"]))

        event_type = event.get_type()[len(PREFIX) :]
        seen_types.add(event_type)
        if event_type not in validators:
            path = SCHEMAS / f"{event_type}.json"
            assert path.is_file(), f"no published schema for {event_type}"
            schema = json.loads(path.read_text())
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validators[event_type] = cls(schema, format_checker=cls.FORMAT_CHECKER)
        errors = sorted(validators[event_type].iter_errors(data), key=lambda e: list(e.path))
        assert not errors, f"{event_type} at position {headers['ledger_position']!r}: " + "; ".join(
            f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors
        )

    assert len(seen_ids) == stored and seen_positions == set(range(1, stored + 1))
    assert len(seen_types) >= 15  # the demo year exercises most event types
