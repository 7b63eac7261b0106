"""``verify`` against the ledger topic on the development broker (duplicates tolerated,
forged messages found), and checkpoints published on the checkpoint topic."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from test_evidence_support import demo_ledger, evidence_settings, make_key

from bootstrap import Ledger, build_relay
from infra.evidence.checkpoint import VerifierKey, open_checkpoint
from infra.evidence.checkpoint_store import CheckpointStore
from bootstrap import checkpoint_now
from service.evidence.verifier import verify_ledger
from infra.kafka.config import kafka_client_config, topic_specs
from infra.kafka.envelope import encode_stored
from service.relay import Relay
from infra.kafka.topics import ensure_topics

pytestmark = pytest.mark.integration


@dataclass
class OnBroker:
    ledger: Ledger
    key: VerifierKey
    bootstrap: str
    relay: Relay

    def verify(self):
        return verify_ledger(self.ledger, key=self.key, bootstrap=self.bootstrap)


@pytest.fixture
def published(settings, clock, tmp_path, dev_broker, unique_topic) -> Iterator[OnBroker]:
    """The demo year, checkpointed and relayed to a topic of its own."""
    bootstrap = dev_broker.bootstrap_servers
    settings = evidence_settings(
        settings, tmp_path, ledger_topic=unique_topic, checkpoint_topic=f"{unique_topic}.checkpoints"
    )
    assert all(r.ok for r in ensure_topics(kafka_client_config(settings, bootstrap), topic_specs(settings)))
    key = make_key(settings)
    ledger = demo_ledger(settings, clock)
    checkpoint_now(ledger)
    relay = build_relay(ledger, bootstrap)
    assert relay.drain() == 78
    yield OnBroker(ledger, key, bootstrap, relay)
    ledger.close()


def forge(on: OnBroker, position: int, **changes) -> None:
    """Produce a copy of the message at ``position`` with an altered body, headers untouched."""
    n = on.ledger.app.recorder.select_notifications(position, 1)[0]
    type_name = n.topic.rsplit(":", 1)[1] + ".v1"
    key, value, headers = encode_stored(type_name, n.originator_id, n.originator_version, n.state, n.id)
    body = json.loads(value) | changes
    producer = KafkaProducer(bootstrap_servers=on.bootstrap)
    try:
        topic = on.ledger.settings.ledger_topic
        producer.send(topic, key=key, value=json.dumps(body).encode(), headers=headers).get(timeout=30)
    finally:
        producer.close()


def test_the_topic_matches_the_store(published):
    report = published.verify()
    assert report.ok, [f.describe() for f in report.findings]
    kafka = next(c for c in report.checks if c.name == "kafka")
    assert kafka.status == "ok" and "78 message(s)" in kafka.summary and "0 duplicate(s)" in kafka.summary


def test_redelivered_messages_are_tolerated(published):
    published.relay.republish()
    assert published.relay.drain() == 78  # at-least-once: every message twice
    report = published.verify()
    assert report.ok, [f.describe() for f in report.findings]
    assert "156 message(s)" in next(c for c in report.checks if c.name == "kafka").summary
    assert "78 duplicate(s)" in next(c for c in report.checks if c.name == "kafka").summary


def test_a_forged_message_is_found_at_its_position(published):
    forge(published, 33, reason="approved without discussion")
    report = published.verify()
    first = report.first()
    assert (first.position, first.source) == (33, "kafka")
    assert {f.what.split(" at ")[0] for f in report.findings} == {"forged or altered message"}
    assert [c.status for c in report.checks if c.name == "kafka"] == ["mismatch"]


def test_a_message_for_a_position_the_store_lacks_is_found(published):
    """A well-formed message (its body hashes to its header) at a position never stored."""
    n = published.ledger.app.recorder.select_notifications(78, 1)[0]
    type_name = n.topic.rsplit(":", 1)[1] + ".v1"
    key, value, headers = encode_stored(type_name, n.originator_id, n.originator_version, n.state, 500)
    producer = KafkaProducer(bootstrap_servers=published.bootstrap)
    try:
        producer.send(published.ledger.settings.ledger_topic, key=key, value=value, headers=headers).get(timeout=30)
    finally:
        producer.close()
    report = published.verify()
    assert [(f.position, f.source) for f in report.findings] == [(500, "kafka")]
    assert "has no event at this position in the store" in report.first().what


def test_checkpoints_are_published_on_the_checkpoint_topic(published):
    ledger = published.ledger
    stored = checkpoint_now(ledger, bootstrap=published.bootstrap)
    assert stored is None  # nothing new since the fixture's checkpoint ...
    latest = CheckpointStore(ledger.engine).latest()
    assert latest.published  # ... but the unpublished one went out now
    records = read_all(published.bootstrap, ledger.settings.checkpoint_topic, expected=1)
    assert [r.value.decode() for r in records] == [latest.note]
    assert dict(records[0].headers)["checkpoint_size"] == b"78"
    checkpoint = open_checkpoint(records[0].value.decode(), published.key.public_key, published.key.name)
    assert (checkpoint.size, checkpoint.root_hash) == (78, latest.root_hash)


def test_an_unreachable_broker_skips_kafka(published):
    report = verify_ledger(published.ledger, key=published.key, bootstrap="127.0.0.1:9")
    kafka = next(c for c in report.checks if c.name == "kafka")
    assert report.ok and kafka.status == "skipped" and "unreachable" in kafka.summary


def read_all(bootstrap: str, topic: str, expected: int, timeout: float = 20) -> list:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        records, deadline = [], time.monotonic() + timeout
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()
