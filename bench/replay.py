"""Replay rate: one projector rebuilding the read models vs a raw kafka-python consumer.

Goal: ``Projector.run(once=True)`` into empty read models runs at least 0.5 of the rate
of a raw ``KafkaConsumer`` (C CRC-32C, fetch settings tuned, no fetch stall) reading the
same topic, same broker, same run.

Topic: ``EVENTS`` re-sealed clones of the demo year (``bench.filling``), published once by
the relay to a fresh topic of the ledger topic's shape on one Tansu development broker.

Measured: ``build_projector(..., use_group=False)`` then ``run(once=True)`` into empty read
models (dropped and re-created outside the clock) on the target database: poll, decode
each CloudEvent, validate the pydantic event, fold it, and write each partition's batch
with its offset in one transaction. Raw baseline (none of the project's code): a
``KafkaConsumer`` with the same client and fetch settings (``fetch_max_wait_ms=10``: a
user's tuning against kafka-python's fetch stall), every partition assigned from offset 0, polling 1,000 records at a time and
counting them until all are read (>= 100k messages, >= 5 s). Both are timed from
creating the consumer; pairs alternate which goes first.

The same topic is then replayed by the projector as N processes in one consumer group
(``bench.replay_group``), each owning some partitions.
"""

from __future__ import annotations

import statistics
import threading
import time

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import Engine

from bench.broker import delete_topic, fresh_topic, ledger_and_broker, ledger_spec, publish_all
from bench.filling import Filler
from bench.harness import Context, Result, stopwatch
from bench.rules import MIN_CONSUMER_MESSAGES, MIN_RAW_SECONDS, Pairs, require_c_crc
from bootstrap import build_projection_engine, build_projector
from infra.kafka.config import CONSUMER_FETCH, kafka_client_config
from infra.settings import Settings
from projections.tables import read_models

NAME = "replay"
GOAL = 0.5
EVENTS, QUICK_EVENTS = 200_000, 3_000
POLL_MS, POLL_RECORDS = 500, 1000  # as Projector.run polls
RAW_FETCH = {"fetch_max_wait_ms": 10}
"""The raw consumer's tuning, written out (a user's settings); checked equal to the projector's."""


def reset_read_models(engine: Engine) -> None:
    read_models.drop_all(engine)
    read_models.create_all(engine)


def run_projector(settings: Settings, engine: Engine, bootstrap: str, expected: int) -> tuple[int, float]:
    """Replay the topic into empty read models; (events applied, seconds)."""
    reset_read_models(engine)
    projector = None
    try:
        with stopwatch() as elapsed:
            projector = build_projector(settings, engine, bootstrap, use_group=False)
            applied = projector.run(threading.Event(), once=True)
    finally:
        if projector is not None:
            projector.close()
    if applied != expected:
        raise AssertionError(f"the projector applied {applied} events, the topic holds {expected}")
    return applied, elapsed()


def run_raw(settings: Settings, bootstrap: str, expected: int, timeout: float = 300.0) -> tuple[int, float]:
    """Read the topic from offset 0, every partition, counting messages (nothing decoded)."""
    topic, consumer, count = settings.ledger_topic, None, 0
    try:
        with stopwatch() as elapsed:
            consumer = KafkaConsumer(**kafka_client_config(settings, bootstrap), group_id=None,
                                     enable_auto_commit=False, auto_offset_reset="earliest", **RAW_FETCH)  # fmt: skip
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            deadline = time.monotonic() + timeout
            while count < expected and time.monotonic() < deadline:
                for records in consumer.poll(timeout_ms=POLL_MS, max_records=POLL_RECORDS).values():
                    count += len(records)
    finally:
        if consumer is not None:
            consumer.close()
    if count != expected:
        raise AssertionError(f"the raw consumer read {count} messages, the topic holds {expected}")
    return count, elapsed()


def run(ctx: Context) -> list[Result]:
    client = require_c_crc()
    if RAW_FETCH != CONSUMER_FETCH:
        raise AssertionError(f"the raw consumer's fetch settings {RAW_FETCH} differ from the projector's")
    settings = ctx.target.settings
    with ledger_and_broker(ctx) as (ledger, clock, broker):
        bootstrap = broker.bootstrap_servers
        total = Filler(ledger, clock).fill(QUICK_EVENTS if ctx.quick else EVENTS)
        topical = fresh_topic(settings, bootstrap, "replay")
        with stopwatch() as elapsed:
            published = publish_all(ledger, topical, bootstrap)
        ctx.log(f"{NAME}: {total:,} events stored, published by the relay in {elapsed():.1f} s")
        assert published == total, (published, total)
        engine = build_projection_engine(topical)
        try:
            result = replay_rate(ctx, topical, engine, bootstrap, total, client)
            from bench.replay_group import group_scaling

            scaling = group_scaling(ctx, topical, engine, bootstrap, total)
        finally:
            engine.dispose()
            delete_topic(topical, bootstrap)
    return [result, scaling]


def replay_rate(ctx: Context, settings: Settings, engine: Engine, bootstrap: str, total: int, client: str) -> Result:
    run_raw(settings, bootstrap, total)  # warm-up
    pairs = Pairs(min_baseline_count=MIN_CONSUMER_MESSAGES)
    for rep in range(1, ctx.repetitions + 1):
        for path in ("projector", "raw") if rep % 2 else ("raw", "projector"):
            if path == "projector":
                applied, seconds = run_projector(settings, engine, bootstrap, total)
            else:
                counted, raw_seconds = run_raw(settings, bootstrap, total)
        pair = pairs.add(applied / seconds, counted, raw_seconds)
        ctx.log(f"{NAME} pair {rep}/{ctx.repetitions}: projector {pair.measured:,.0f} events/s, raw consumer "
                f"{pair.baseline:,.0f} events/s ({raw_seconds:.1f} s), ratio {pair.ratio:.2f}")  # fmt: skip
    if ctx.profile or pairs.ratio < GOAL:
        from bench.replay_profile import profile_projector

        profile_projector(ctx, settings, engine, bootstrap, total)
    return Result(
        benchmark=NAME, database=ctx.target.database,
        measured={"events/s": statistics.median(p.measured for p in pairs.pairs)}, compared="events/s",
        baseline_label="raw consumer events/s", baseline=statistics.median(p.baseline for p in pairs.pairs),
        goal=GOAL,
        detail=(f"{total:,} events, {ledger_spec(settings).partitions} partitions, one projector "
                f"(run(once=True), empty read models) vs a consumer counting messages; {client}, "
                f"fetch_max_wait_ms={RAW_FETCH['fetch_max_wait_ms']} on both; raw runs >= {MIN_RAW_SECONDS:.0f} s "
                f"and >= {MIN_CONSUMER_MESSAGES:,} messages required"),
        pairs=pairs,
    )  # fmt: skip
