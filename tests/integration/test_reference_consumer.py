"""The reference downstream consumer against the development broker: every event once, its
schema and hash chain checked; restarts, a republished topic (duplicates) and a rebalance
between two consumers repeat no side effect; a forged or invalid message stops it."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from kafka import KafkaProducer

from bootstrap import build_relay
from consumers.reference_consumer import TYPE_PREFIX, LedgerContractError, ReferenceConsumer, event_hash
from test_relay_support import create_topics, on_topic, open_ledger, play_demo_year, read_topic, stored_count

pytestmark = pytest.mark.integration
SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "schemas"


def side_effect_by(name: str, pause: float = 0.0):
    """The side effect under test: a row per event, in the consumer's transaction, naming
    the consumer that ran it (``pause`` slows it, so that a second consumer joins mid-way)."""

    def handle(db: sqlite3.Connection, body: dict, headers: dict) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS mailings (ce_id TEXT, group_id TEXT, done_by TEXT)")
        db.execute("INSERT INTO mailings VALUES (?, ?, ?)", (headers["ce_id"], headers["ce_subject"], name))
        time.sleep(pause)

    return handle


record_side_effect = side_effect_by("consumer")


def side_effects(state: Path) -> list[str]:
    with sqlite3.connect(state) as db:
        return [row[0] for row in db.execute("SELECT ce_id FROM mailings")]


@pytest.fixture
def published(sqlite_settings, clock, dev_broker, unique_topic):
    """The demo year on a fresh topic; returns (settings, ledger factory, events stored)."""
    settings = on_topic(sqlite_settings, unique_topic)
    create_topics(settings, dev_broker.bootstrap_servers)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "ref")
        build_relay(ledger, dev_broker.bootstrap_servers).drain()
        return settings, stored_count(ledger)


def make_consumer(dev_broker, topic: str, group: str, state: Path, kafka_consumer_settings,
                  handle=record_side_effect, **options) -> ReferenceConsumer:  # fmt: skip
    config = {"bootstrap_servers": dev_broker.bootstrap_servers, "group_id": group, **kafka_consumer_settings, **options}
    return ReferenceConsumer(config, topic, SCHEMAS, state, handle)


def drain(consumers: list[ReferenceConsumer], until: int, state: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(side_effects_or_none(state)) < until or any(c.poll_once(300) for c in consumers):
        assert time.monotonic() < deadline, f"{len(side_effects_or_none(state))} of {until} after {timeout}s"
        for consumer in consumers:
            consumer.poll_once(300)


def side_effects_or_none(state: Path) -> list[str]:
    try:
        return side_effects(state)
    except sqlite3.OperationalError:  # no event handled yet
        return []


def test_each_event_once_across_restarts_and_a_republished_topic(published, clock, dev_broker, unique_group,
                                                                 kafka_consumer_settings, tmp_path) -> None:  # fmt: skip
    settings, stored = published
    state = tmp_path / "consumer.sqlite"
    consumer = make_consumer(dev_broker, settings.ledger_topic, unique_group, state, kafka_consumer_settings)
    drain([consumer], stored, state)
    consumer.close()
    first = side_effects(state)
    assert len(first) == stored == len(set(first))

    with open_ledger(settings, clock) as ledger:  # the relay sends everything again
        relay = build_relay(ledger, dev_broker.bootstrap_servers)
        relay.republish()
        assert relay.drain() == stored
    restarted = make_consumer(dev_broker, settings.ledger_topic, unique_group, state, kafka_consumer_settings)
    try:
        drain([restarted], stored, state, timeout=30)
        on_topic_now = read_topic(dev_broker.bootstrap_servers, settings.ledger_topic, lambda r: len(r) >= 2 * stored)
        assert len(on_topic_now) == 2 * stored  # the duplicates were delivered ...
        assert side_effects(state) == first  # ... and ignored
    finally:
        restarted.close()


def test_a_rebalance_between_two_consumers_repeats_nothing(published, dev_broker, unique_group,
                                                           kafka_consumer_settings, tmp_path) -> None:  # fmt: skip
    settings, stored = published
    state = tmp_path / "consumer.sqlite"
    slow = {"max_poll_records": 5}
    first = make_consumer(dev_broker, settings.ledger_topic, unique_group, state, kafka_consumer_settings,
                          side_effect_by("first", pause=0.05), **slow)  # fmt: skip
    first.poll_once(3000)  # joined alone: every partition, a few events done
    assert len(first.consumer.assignment()) == settings.topic_partitions
    second = make_consumer(dev_broker, settings.ledger_topic, unique_group, state, kafka_consumer_settings,
                           side_effect_by("second", pause=0.05), **slow)  # fmt: skip
    stop = threading.Event()
    worker = threading.Thread(target=first.run, args=(stop,))  # both poll at once: the group rebalances
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while len(side_effects_or_none(state)) < stored:
            assert time.monotonic() < deadline, f"{len(side_effects_or_none(state))} of {stored}"
            second.poll_once(300)
    finally:
        stop.set()
        worker.join(timeout=10)
        first.close()
        second.close()
    with sqlite3.connect(state) as db:
        done_by = dict(db.execute("SELECT done_by, count(*) FROM mailings GROUP BY done_by").fetchall())
    assert done_by.get("first") and done_by.get("second"), done_by  # the partitions were split mid-way
    effects = side_effects(state)
    assert len(effects) == stored == len(set(effects))


@pytest.mark.parametrize(("tamper", "reason"), [
    ("altered", "event_hash does not match"),  # a field changed, hash left as it was
    ("rehashed", "chain broken"),  # a field changed and the hash recomputed: a fork of the chain
    ("invalid", "invalid .*Additional properties"),  # not what the JSON Schema allows
])  # fmt: skip
def test_a_forged_or_invalid_message_stops_the_consumer(tamper: str, reason: str, published, dev_broker, unique_group,
                                                        kafka_consumer_settings, tmp_path) -> None:  # fmt: skip
    settings, stored = published
    original = read_topic(dev_broker.bootstrap_servers, settings.ledger_topic, lambda r: len(r) >= stored)[-1]
    body = json.loads(original.value)
    if tamper == "invalid":
        body["unexpected_field"] = 1
    else:
        body["actor_id"] = "m-9999"
    if tamper == "rehashed":
        body["event_hash"] = event_hash(body, original_type(original))
    producer = KafkaProducer(bootstrap_servers=dev_broker.bootstrap_servers)
    headers = [(k, v) for k, v in original.headers if k not in ("ce_id", "ledger_event_hash")]
    headers += [("ce_id", b"forged-" + tamper.encode()), ("ledger_event_hash", body["event_hash"].encode())]
    producer.send(settings.ledger_topic, key=original.key, value=json.dumps(body).encode(), headers=headers,
                  partition=original.partition).get(timeout=10)  # fmt: skip
    producer.close()
    state = tmp_path / "consumer.sqlite"
    consumer = make_consumer(dev_broker, settings.ledger_topic, unique_group, state, kafka_consumer_settings)
    try:
        with pytest.raises(LedgerContractError, match=f"forged-{tamper}.*{reason}"):
            drain([consumer], stored + 1, state, timeout=30)
    finally:
        consumer.close()
    assert "forged-" + tamper not in side_effects(state)


def original_type(record) -> str:
    return dict(record.headers)["ce_type"].decode().removeprefix(TYPE_PREFIX)
