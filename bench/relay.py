"""Relay throughput: ``Relay.drain()`` vs a raw kafka-python producer, same broker, same run.

Goal: the relay publishes at least 0.8 of the rate of a raw ``KafkaProducer`` (C CRC-32C)
sending the same messages with the same settings to the same broker.

Store: ``EVENTS`` re-sealed clones of the demo year (``bench.filling``) on the target
database; one Tansu development broker for the whole benchmark.

Relay (measured): a relay from ``build_relay`` on a fresh topic drains every event: its
read-ahead thread reads the notification log and encodes each event (``encode_stored``)
while it sends with the idempotent ``acks=all`` producer, checks every acknowledgement
and records the position per batch in the ledger database.

Raw baseline: a ``KafkaProducer(**producer_config(client))`` (a user's settings for
acks=all + idempotence: linger 5 ms, 256 KiB batches) sends the same (key, value,
headers), encoded before the clock starts, to another fresh topic of the same shape,
then ``flush()`` and ``.get()`` on every future. None of the project's code runs on its
measured path. Once per run both topics are read back and their messages compared
byte for byte (as multisets of SHA-256 digests).

Both are timed cold, from creating the producer; the pairs alternate which goes first.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections import Counter

from eventsourcing.utils import resolve_topic
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from bench.broker import READ_BATCH, delete_topic, fresh_topic, ledger_and_broker, ledger_spec, relay_for
from bench.filling import Filler
from bench.harness import Context, Result, stopwatch
from bench.rules import MIN_RAW_SECONDS, Pairs, require_c_crc
from bootstrap import Ledger
from infra.kafka.config import kafka_client_config, producer_config
from infra.kafka.envelope import Message, encode_stored
from infra.settings import Settings

NAME = "relay"
GOAL = 0.8
EVENTS, QUICK_EVENTS = 200_000, 5_000
"""200k: the raw producer (up to ~35k events/s with C CRC here) runs >= 5 s."""


def run_relay(ledger: Ledger, settings: Settings, bootstrap: str, expected: int,
              keep: bool = False, batch_size: int = READ_BATCH) -> tuple[int, float, Settings]:  # fmt: skip
    topical = fresh_topic(settings, bootstrap, "relay")
    relay = relay_for(ledger, topical, bootstrap, batch_size)
    try:
        with stopwatch() as elapsed:
            sent = relay.drain()
    finally:
        relay.close()
        if not keep:
            delete_topic(topical, bootstrap)
    if sent != expected:
        raise AssertionError(f"the relay sent {sent} events, the store holds {expected}")
    return sent, elapsed(), topical


def raw_messages(ledger: Ledger) -> list[Message]:
    """Every stored event as the relay encodes it (prepared outside the clock)."""
    messages, start, recorder = [], 1, ledger.app.recorder
    while batch := recorder.select_notifications(start, READ_BATCH):
        for n in batch:
            event_name = resolve_topic(n.topic).__name__  # the version is in the stored state
            messages.append(encode_stored(event_name, n.originator_id, n.originator_version, n.state, n.id))
        start = batch[-1].id + 1
    return messages


def run_raw(settings: Settings, bootstrap: str, messages: list[Message],
            keep: bool = False) -> tuple[int, float, Settings]:  # fmt: skip
    """A user's producer: send everything, flush once, check every acknowledgement."""
    topical = fresh_topic(settings, bootstrap, "raw")
    topic, producer = topical.ledger_topic, None
    try:
        with stopwatch() as elapsed:
            producer = KafkaProducer(**producer_config(kafka_client_config(topical, bootstrap)))
            futures = [producer.send(topic, key=key, value=value, headers=headers)
                       for key, value, headers in messages]  # fmt: skip
            producer.flush()
            acknowledged = sum(1 for future in futures if future.get(timeout=30) is not None)
    finally:
        if producer is not None:
            producer.close(timeout=5)
        if not keep:
            delete_topic(topical, bootstrap)
    return acknowledged, elapsed(), topical


def digests(settings: Settings, bootstrap: str, expected: int, timeout: float = 300.0) -> Counter:
    """SHA-256 of every message (key, value, headers) on the topic, as a multiset."""
    consumer = KafkaConsumer(**kafka_client_config(settings, bootstrap), group_id=None,
                             enable_auto_commit=False, fetch_max_wait_ms=10)  # fmt: skip
    try:
        topic = settings.ledger_topic
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        found: Counter = Counter()
        deadline = time.monotonic() + timeout
        while sum(found.values()) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200, max_records=5000).values():
                for r in records:
                    headers = b"".join(name.encode() + b"=" + value + b";" for name, value in r.headers)
                    found[hashlib.sha256(r.key + b"|" + r.value + b"|" + headers).digest()] += 1
        return found
    finally:
        consumer.close()


def check_identical(settings: Settings, bootstrap: str, relay_topic: Settings, raw_topic: Settings,
                    total: int) -> None:  # fmt: skip
    try:
        relayed, raw = digests(relay_topic, bootstrap, total), digests(raw_topic, bootstrap, total)
    finally:
        delete_topic(relay_topic, bootstrap)
        delete_topic(raw_topic, bootstrap)
    if relayed != raw or sum(raw.values()) != total:
        raise AssertionError(f"the relay's and the raw producer's messages differ ({sum(relayed.values())} "
                             f"vs {sum(raw.values())} read, {len(relayed - raw)} digests only the relay's)")  # fmt: skip


def run(ctx: Context) -> list[Result]:
    client = require_c_crc()
    events = QUICK_EVENTS if ctx.quick else EVENTS
    settings = ctx.target.settings
    with ledger_and_broker(ctx) as (ledger, clock, broker):
        bootstrap = broker.bootstrap_servers
        with stopwatch() as elapsed:
            total = Filler(ledger, clock).fill(events)
            messages = raw_messages(ledger)
        ctx.log(f"{NAME}: {total:,} events stored and pre-encoded in {elapsed():.1f} s")
        _, _, relay_topic = run_relay(ledger, settings, bootstrap, total, keep=True)  # warm-up, not counted
        _, _, raw_topic = run_raw(settings, bootstrap, messages, keep=True)
        check_identical(settings, bootstrap, relay_topic, raw_topic, total)
        ctx.log(f"{NAME}: the relay's and the raw producer's {total:,} messages are byte-identical")
        pairs = Pairs()
        for rep in range(1, ctx.repetitions + 1):
            order = ("relay", "raw") if rep % 2 else ("raw", "relay")
            for path in order:
                if path == "relay":
                    sent, seconds, _ = run_relay(ledger, settings, bootstrap, total)
                else:
                    acknowledged, raw_seconds, _ = run_raw(settings, bootstrap, messages)
            pair = pairs.add(sent / seconds, acknowledged, raw_seconds)
            ctx.log(f"{NAME} pair {rep}/{ctx.repetitions} ({'relay first' if rep % 2 else 'raw first'}): relay "
                    f"{pair.measured:,.0f} events/s, raw producer {pair.baseline:,.0f} events/s "
                    f"({raw_seconds:.1f} s), ratio {pair.ratio:.2f}")  # fmt: skip
        if ctx.profile or pairs.ratio < GOAL:
            from bench.relay_profile import breakdown

            breakdown(ctx, ledger, settings, bootstrap, total, statistics.median(p.baseline for p in pairs.pairs))
    measured = statistics.median(p.measured for p in pairs.pairs)
    baseline = statistics.median(p.baseline for p in pairs.pairs)
    return [
        Result(
            benchmark=NAME, database=ctx.target.database, measured={"events/s": measured},
            compared="events/s", baseline_label="raw producer events/s", baseline=baseline, goal=GOAL,
            detail=(f"{total:,} events, {ledger_spec(settings).partitions} partitions, Tansu, {client}, acks=all "
                    f"+ idempotence, every ack checked on both sides, messages byte-identical; raw runs >= "
                    f"{MIN_RAW_SECONDS:.0f} s required"),
            pairs=pairs,
        )  # fmt: skip
    ]
