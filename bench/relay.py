"""Relay throughput: ``Relay.drain()`` vs a raw kafka-python producer, same broker, same run.

Issue goal: the relay publishes at least 0.8 of the rate of a raw ``KafkaProducer``
sending the same payloads with the same settings to the same broker.

Store: ``EVENTS`` events cloned from the demo year (as ``bench.verify`` does: each clone
a new aggregate, re-sealed), on the target database. Broker: one Tansu development
broker for the whole benchmark (memory only; every topic is deleted after use).

Relay (measured): a relay built by ``build_relay`` on a fresh topic (so its stored
progress starts at position 0) drains every event: read the notification log in
batches of 1000, encode each event as a CloudEvents message (``encode_stored``), send
it with the idempotent ``acks=all`` producer of ``producer_config``, flush, check
every acknowledgement, and record the position in the ledger database; per batch.

Raw baseline: a ``KafkaProducer(**producer_config(client))`` (the same settings)
sends the identical (key, value, headers) messages, pre-encoded with
``encode_stored`` from the same notifications before the clock starts, to another
fresh topic of the same shape; then ``flush()`` once and ``.get()`` on every future.
The ``.get()`` calls are kept because the relay checks each acknowledgement too: the
same acknowledgement guarantee (acks=all, idempotent, every send confirmed) on both
sides. What the baseline does *not* do is the relay's own work: read the store,
encode, wait for the broker at the end of every batch before recording the position
(the outbox's crash-safety), and record it.

Both paths are timed cold, from creating the producer (the relay's lazily) to the
last acknowledgement, so both pay the producer's bootstrap; the relay also pays its
cluster-id lookup and progress load. Paths alternate which goes first; the median of
the per-repetition ratios is reported. Below the goal (or with ``--profile``) the
relay's time is split into reading, encoding, sending, waiting and recording.
"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventsourcing.utils import resolve_topic
from kafka import KafkaAdminClient, KafkaProducer
from rich.table import Table

import service.relay as relay_module
from bench.commands import Splits
from bench.harness import Context, Result, Samples, stopwatch
from bench.verify import clone, templates
from bootstrap import Ledger, build_ledger, build_relay
from infra.clock import SimulatedClock
from infra.evidence.records import from_notification
from infra.kafka.config import kafka_client_config, producer_config, topic_specs
from infra.kafka.dev_broker import DevBroker
from infra.kafka.envelope import Message, encode_stored
from infra.kafka.topics import TopicSpec, ensure_topics
from infra.settings import Settings

NAME = "relay"
GOAL = 0.8
EVENTS, QUICK_EVENTS = 20_000, 3_000
READ_BATCH = 1000


# -- shared with bench.replay: the store, the broker, topics -------------------------


class Filler:
    """Fills a ledger with re-sealed clones of the demo year's groups (``bench.verify``'s
    ``clone``, each clone under a slug of its own so that the read models accept it), and
    can grow it again later (the demo year is played once)."""

    def __init__(self, ledger: Ledger, clock: SimulatedClock) -> None:
        self.ledger = ledger
        self.groups = templates(ledger, clock)
        demo = ledger.app.recorder.select_notifications(1, 10_000)
        self.topic_types = {n.topic: from_notification(n).type_name for n in demo}

        self.clones = 0

    def renamed(self, group: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
        """The template under a slug of its own (the read models keep slugs unique)."""
        self.clones += 1
        return [(topic, state | {"slug": f"{state['slug']}-{self.clones}"} if "slug" in state else state)
                for topic, state in group]  # fmt: skip

    def fill(self, events: int) -> int:
        """Insert clones until the store holds at least ``events`` events; return the count."""
        recorder = self.ledger.app.recorder
        total, pending = recorder.max_notification_id() or 0, []
        while total < events:
            for group in self.groups:
                pending += clone(self.renamed(group), self.topic_types)
            if len(pending) >= 2000 or total + len(pending) >= events:
                recorder.insert_events(pending)
                total, pending = total + len(pending), []
        return total


def bench_clock() -> SimulatedClock:
    return SimulatedClock(datetime(2025, 12, 31, tzinfo=UTC))


@contextmanager
def ledger_and_broker(ctx: Context) -> Iterator[tuple[Ledger, SimulatedClock, DevBroker]]:
    """The target's ledger and one development broker for the whole benchmark."""
    clock = bench_clock()
    with tempfile.TemporaryDirectory(prefix="oar-bench-broker-") as logs:
        ledger = build_ledger(ctx.target.settings, clock)
        try:
            with DevBroker(log_path=Path(logs) / "tansu.log") as broker:
                ctx.log(f"Tansu development broker at {broker.bootstrap_servers} (pid {broker.pid})")
                yield ledger, clock, broker
                ctx.log(f"broker resident memory at the end: {broker_rss_mb(broker):,.0f} MB")
        finally:
            ledger.close()


def broker_rss_mb(broker: DevBroker) -> float:
    """The broker's resident set size (Linux ``/proc``; NaN elsewhere)."""
    try:
        for line in Path(f"/proc/{broker.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, TypeError):
        pass
    return float("nan")


def on_topic(settings: Settings, topic: str) -> Settings:
    return settings.model_copy(update={"ledger_topic": topic})


def fresh_topic(settings: Settings, bootstrap: str, label: str) -> Settings:
    """Settings whose ledger topic is a new topic shaped like the ledger topic (same
    partitions and configs), created explicitly (Tansu would auto-create 4 partitions)."""
    topical = on_topic(settings, f"bench.{label}.{uuid.uuid4().hex[:8]}")
    spec = ledger_spec(topical)
    reports = ensure_topics(kafka_client_config(topical, bootstrap), [spec])
    if not all(report.ok for report in reports):
        raise RuntimeError(f"cannot create topic {spec.name}: {reports}")
    return topical


def ledger_spec(settings: Settings) -> TopicSpec:
    return next(s for s in topic_specs(settings) if s.name == settings.ledger_topic)


def delete_topic(settings: Settings, bootstrap: str) -> None:
    """Free the broker's memory (best effort: Tansu keeps every record in memory)."""
    admin = KafkaAdminClient(**kafka_client_config(settings, bootstrap))
    try:
        admin.delete_topics([settings.ledger_topic], timeout_ms=10_000)
    except Exception:  # noqa: BLE001 - a leftover topic only costs broker memory
        pass
    finally:
        admin.close()


def crc32c_note() -> str:
    """kafka-python checksums every record batch with CRC-32C (producing and, by default,
    consuming): in C if the ``crc32c`` package is installed, else in pure Python, which
    dominates its throughput. Both sides of every comparison use the same one."""
    from kafka.record import util

    return "C CRC-32C" if util.crc32c_c is not None else "pure-Python CRC-32C (no `crc32c` package)"


def relay_for(ledger: Ledger, settings: Settings, bootstrap: str, batch_size: int = READ_BATCH):
    """The relay the composition root builds, publishing to ``settings.ledger_topic``:
    ``build_relay`` on a view of the ledger with those settings (same app and engine)."""
    view = dataclasses.replace(ledger, settings=settings, closers=[])
    return build_relay(view, bootstrap, batch_size=batch_size)


def publish_all(ledger: Ledger, settings: Settings, bootstrap: str) -> int:
    """Publish the whole store to ``settings.ledger_topic`` with the relay."""
    relay = relay_for(ledger, settings, bootstrap)
    try:
        return relay.drain()
    finally:
        relay.close()


# -- the two paths -------------------------------------------------------------------


def run_relay(ledger: Ledger, settings: Settings, bootstrap: str, expected: int,
              batch_size: int = READ_BATCH) -> tuple[int, float]:  # fmt: skip
    topical = fresh_topic(settings, bootstrap, "relay")
    relay = relay_for(ledger, topical, bootstrap, batch_size)
    try:
        with stopwatch() as elapsed:
            sent = relay.drain()
    finally:
        relay.close()
        delete_topic(topical, bootstrap)
    if sent != expected:
        raise AssertionError(f"the relay sent {sent} events, the store holds {expected}")
    return sent, elapsed()


def raw_messages(ledger: Ledger) -> list[Message]:
    """Every stored event as the relay encodes it, with its ledger position."""
    messages, start, recorder = [], 1, ledger.app.recorder
    while batch := recorder.select_notifications(start, READ_BATCH):
        for n in batch:
            type_name = resolve_topic(n.topic).type_name()
            messages.append(encode_stored(type_name, n.originator_id, n.originator_version, n.state, n.id))
        start = batch[-1].id + 1
    return messages


def run_raw(
    settings: Settings, bootstrap: str, messages: list[Message], flush_every: int | None = None
) -> tuple[int, float]:
    """Send pre-encoded messages with the relay's producer settings; every future checked.
    ``flush_every``: also flush after every that many messages (the relay's batches)."""
    topical = fresh_topic(settings, bootstrap, "raw")
    topic = topical.ledger_topic
    step = flush_every or len(messages)
    producer = None
    try:
        with stopwatch() as elapsed:
            producer = KafkaProducer(**producer_config(kafka_client_config(topical, bootstrap)))
            acknowledged = 0
            for start in range(0, len(messages), step):
                futures = [producer.send(topic, key=key, value=value, headers=headers)
                           for key, value, headers in messages[start : start + step]]  # fmt: skip
                producer.flush()
                for future in futures:
                    future.get(timeout=30)
                    acknowledged += 1
    finally:
        if producer is not None:
            producer.close(timeout=5)
        delete_topic(topical, bootstrap)
    return acknowledged, elapsed()


# -- the benchmark -------------------------------------------------------------------


def run(ctx: Context) -> list[Result]:
    events = QUICK_EVENTS if ctx.quick else EVENTS
    settings = ctx.target.settings
    with ledger_and_broker(ctx) as (ledger, clock, broker):
        bootstrap = broker.bootstrap_servers
        with stopwatch() as elapsed:
            total = Filler(ledger, clock).fill(events)
            messages = raw_messages(ledger)
        size = sum(len(k) + len(v) + sum(len(n) + len(h) for n, h in hs) for k, v, hs in messages)
        size /= len(messages)
        ctx.log(f"{NAME}: {total:,} events stored and pre-encoded in {elapsed():.1f} s "
                f"(~{size:,.0f} bytes per message with key and headers)")  # fmt: skip
        paths: dict[str, Callable[[], tuple[int, float]]] = {
            "relay": lambda: run_relay(ledger, settings, bootstrap, total),
            "raw": lambda: run_raw(settings, bootstrap, messages),
        }
        for path in paths.values():  # warm-up, not counted
            path()
        samples = {name: Samples() for name in paths}
        for rep in range(1, ctx.repetitions + 1):
            order = list(paths) if rep % 2 else list(reversed(paths))
            for name in order:
                samples[name].add(*paths[name]())
            ctx.log(f"{NAME} rep {rep}/{ctx.repetitions}: relay {samples['relay'].rates[-1]:,.0f} events/s, "
                    f"raw producer {samples['raw'].rates[-1]:,.0f} events/s, "
                    f"ratio {samples['relay'].rates[-1] / samples['raw'].rates[-1]:.2f}")  # fmt: skip
        relay, raw = samples["relay"], samples["raw"]
        paired = tuple(r / b for r, b in zip(relay.rates, raw.rates, strict=True))
        result = Result(
            benchmark=NAME,
            database=ctx.target.database,
            measured={"events/s": relay.median},
            compared="events/s",
            baseline_label="raw producer events/s",
            baseline=raw.median,
            goal=GOAL,
            detail=(
                f"{total:,} events, Tansu dev broker, {ledger_spec(settings).partitions} partitions, kafka-python "
                f"with {crc32c_note()}, acks=all + "
                f"idempotence, every ack checked on both sides, both timed from a cold producer; median of "
                f"{ctx.repetitions} (relay {relay.spread()}, raw {raw.spread()}; ratio = median of per-repetition "
                f"ratios {', '.join(f'{r:.2f}' for r in paired)})"
            ),
            paired_ratios=paired,
        )
        if ctx.profile or result.ratio < GOAL:
            breakdown(ctx, ledger, settings, bootstrap, messages, total)
    return [result]


# -- where the relay's time goes -----------------------------------------------------


@contextmanager
def instrumented(relay: Any, splits: Splits) -> Iterator[None]:
    """Time the relay's stages by wrapping, for the duration, the functions it calls."""
    patches: list[tuple[Any, str, str]] = [
        (relay.recorder, "select_notifications", "read"),
        (relay_module, "encode_stored", "encode"),
        (KafkaProducer, "__init__", "producer"),
        (KafkaProducer, "send", "send"),
        (KafkaProducer, "flush", "flush"),
        (relay.state, "save", "record"),
        (relay.state, "load", "setup"),
        (relay, "_cluster_id", "setup"),
    ]
    with splits.wrapping(patches):
        yield


def breakdown(ctx: Context, ledger: Ledger, settings: Settings, bootstrap: str,
              messages: list[Message], total: int) -> None:  # fmt: skip
    topical = fresh_topic(settings, bootstrap, "split")
    relay = relay_for(ledger, topical, bootstrap)
    splits = Splits()
    try:
        with instrumented(relay, splits), stopwatch() as elapsed:
            relay.drain()
        seconds = elapsed()
    finally:
        relay.close()
        delete_topic(topical, bootstrap)
    s = splits.seconds
    stages = {
        "read notifications (select_notifications)": s["read"],
        "encode (encode_stored: JSON parse + CloudEvents headers + JSON dump)": s["encode"],
        "send (producer.send: serialize, partition, append to a batch)": s["send"],
        "wait for acks at the end of each batch (flush)": s["flush"],
        "record position (relay_state, one transaction per batch)": s["record"],
        "set-up: producer, cluster id (admin client), progress load": s["setup"] + s["producer"],
    }
    stages["other: loop, future.get, metadata"] = max(0.0, seconds - sum(stages.values()))
    per = 1e6 / total
    title = f"{NAME} on {ctx.target.database}: where the relay's time goes ({total:,} events, one drain)"
    table = Table(title=title)
    table.add_column("stage")
    table.add_column("µs/event", justify="right")
    table.add_column("share", justify="right")
    for stage, spent in sorted(stages.items(), key=lambda kv: -kv[1]):
        table.add_row(stage, f"{spent * per:,.1f}", f"{spent / seconds:.0%}")
    table.add_row("total (relay drain, instrumented)", f"{seconds * per:,.1f}", "100%", style="bold")
    ctx.console.print(table)
    with stopwatch() as elapsed:
        raw_messages(ledger)  # the relay's own work: read + encode, nothing sent
    own = elapsed() / total * 1e6

    what_ifs = {
        "raw producer, one flush at the end (the baseline)": lambda: run_raw(settings, bootstrap, messages),
        f"raw producer, flush + check every {READ_BATCH} (the relay's barrier)": (
            lambda: run_raw(settings, bootstrap, messages, flush_every=READ_BATCH)
        ),
        "relay as is (batch 1000)": lambda: run_relay(ledger, settings, bootstrap, total),
        "relay with batch_size 5000": lambda: run_relay(ledger, settings, bootstrap, total, batch_size=5000),
    }
    rates = {name: Samples() for name in what_ifs}
    for _ in range(ctx.repetitions):
        for name, path in what_ifs.items():
            rates[name].add(*path())
    baseline = rates["raw producer, one flush at the end (the baseline)"].median
    table = Table(title=f"{NAME} on {ctx.target.database}: what-ifs (events/s, median of {ctx.repetitions})")
    table.add_column("variant")
    table.add_column("events/s", justify="right")
    table.add_column("vs raw", justify="right")
    for name, samples in rates.items():
        table.add_row(name, f"{samples.median:,.0f}", f"{samples.median / baseline:.2f}")
    ctx.console.print(table)
    producer = 1e6 / baseline
    ctx.log(
        f"{NAME}: the relay's own work alone (read + encode, no producer, one thread) takes {own:.1f} µs/event, "
        f"the raw producer {producer:.1f} µs/event: done one after the other (the GIL), the relay cannot exceed "
        f"{producer / (producer + own):.2f} of raw; kafka-python here uses {crc32c_note()}"
    )
