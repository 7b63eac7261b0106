"""What the Kafka benchmarks share: a ledger filled with re-sealed clones of the demo year,
one development broker for the whole benchmark, fresh topics shaped like the ledger topic."""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kafka import KafkaAdminClient

from bench.filling import bench_clock
from bootstrap import Ledger, build_ledger, build_relay
from infra.clock import SimulatedClock
from infra.kafka.config import kafka_client_config, topic_specs
from infra.kafka.dev_broker import DevBroker
from infra.kafka.topics import TopicSpec, ensure_topics
from infra.settings import Settings
from bench.harness import Context

READ_BATCH = 1000


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
