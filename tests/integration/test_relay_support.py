"""Helpers shared by the relay tests (no tests here).

Imported by the ``test_relay_*`` modules the way ``test_application_support`` is: pytest
puts this folder on ``sys.path`` (no ``__init__.py``).

Against Tansu, consumers count messages and read high watermarks from fetch responses
(``consumer.highwater``) rather than ``end_offsets()`` (wrong for batched sends, see
``DEV-BROKER.md``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from bootstrap import Ledger, build_ledger
from entrypoints.demo.script import DemoRun
from entrypoints.demo.year import run_year
from infra.kafka.config import kafka_client_config, topic_specs
from infra.kafka.envelope import LedgerMessage, decode
from infra.kafka.relay_lock import RelayBusy, relay_lock
from infra.kafka.topics import ensure_topics
from infra.settings import Settings

# Every header a ledger message carries: the CloudEvents binary-mode attributes and the
# ledger's own coordinates (README, "Kafka: the ledger topic").
CE_HEADERS = {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "content-type"}
LEDGER_HEADERS = {"ledger_position", "ledger_event_hash", "ledger_previous_hash"}


# -- ledger and topic ----------------------------------------------------------------------


def on_topic(settings: Settings, topic: str, var_dir: Path | None = None) -> Settings:
    """``settings`` publishing to ``topic`` (and its own checkpoint and refusal topics, so that
    tests sharing the broker never meet); ``var_dir`` only for PostgreSQL (SQLite keeps its
    database under its own var dir)."""
    update: dict[str, Any] = {"ledger_topic": topic, "checkpoint_topic": f"{topic}.checkpoints",
                              "refusal_topic": f"{topic}.refusals"}
    if var_dir is not None and settings.uses_postgres:
        update["var_dir"] = var_dir
    return settings.model_copy(update=update)


def create_topics(settings: Settings, bootstrap: str) -> None:
    reports = ensure_topics(kafka_client_config(settings, bootstrap), topic_specs(settings))
    assert all(report.ok for report in reports), reports


@contextmanager
def open_ledger(settings: Settings, clock: Callable[[], Any]) -> Iterator[Ledger]:
    ledger = build_ledger(settings, clock)
    try:
        yield ledger
    finally:
        ledger.close()


def stored_count(ledger: Ledger) -> int:
    return ledger.app.recorder.max_notification_id() or 0


def play_demo_year(ledger: Ledger, clock: Any, suffix: str) -> DemoRun:
    run = DemoRun(app=ledger.app, clock=clock, suffix=suffix)
    run_year(run)
    return run


@dataclass
class PacedRun(DemoRun):
    """The demo year, one command every ``pause`` seconds: a steady stream of commands
    for tests where the relay runs at the same time."""

    pause: float = 0.0

    def do(self, command) -> bool:  # type: ignore[no-untyped-def]
        accepted = super().do(command)
        time.sleep(self.pause)
        return accepted


def wait_for(condition: Callable[[], bool], timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


def wait_for_relay_lock(settings: Settings, ledger: Ledger, timeout: float = 10.0) -> None:
    """Until no relay holds the topic's lock (a killed relay's lock goes with its process
    or, on PostgreSQL, with its session once the server notices)."""

    def free() -> bool:
        try:
            with relay_lock(settings, ledger.engine):
                return True
        except RelayBusy:
            return False

    wait_for(free, timeout, f"the relay lock of {settings.ledger_topic}")


# -- the oar-ledger command ----------------------------------------------------------------


def oar_ledger_command() -> list[str]:
    script = Path(sys.executable).with_name("oar-ledger")
    found = str(script) if script.exists() else shutil.which("oar-ledger")
    assert found, "the oar-ledger console script is not installed in this environment"
    return [found]


def cli_env(settings: Settings, bootstrap: str) -> dict[str, str]:
    """The environment of an ``oar-ledger`` process using ``settings`` and ``bootstrap``
    (nothing inherited from the developer's own OAR_* / KAFKA_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OAR_", "KAFKA_"))}
    env.update(
        OAR_VAR_DIR=str(Path(settings.var_dir).resolve()),
        OAR_LEDGER_TOPIC=settings.ledger_topic,
        OAR_CHECKPOINT_TOPIC=settings.checkpoint_topic,
        OAR_REFUSAL_TOPIC=settings.refusal_topic,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        PYTHONUNBUFFERED="1",
    )
    if settings.uses_postgres:
        env["OAR_DATABASE_URL"] = str(settings.database_url)
        if settings.database_schema:
            env["OAR_DATABASE_SCHEMA"] = settings.database_schema
    return env


def run_cli(args: list[str], settings: Settings, bootstrap: str, cwd: Path, timeout: float = 60,
            **env: str) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run ``oar-ledger ARGS`` to completion in ``cwd`` (which holds no ``.env``; ``env``:
    extra environment variables)."""
    return subprocess.run(
        oar_ledger_command() + args, env=cli_env(settings, bootstrap) | env, cwd=cwd,
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def start_cli(args: list[str], settings: Settings, bootstrap: str, cwd: Path, log: Path,
              **env: str) -> subprocess.Popen[bytes]:  # fmt: skip
    """Start ``oar-ledger ARGS`` in the background, stdout and stderr appended to ``log``
    (``env``: extra environment variables)."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            oar_ledger_command() + args, env=cli_env(settings, bootstrap) | env, cwd=cwd,
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip


# -- reading the topic back ----------------------------------------------------------------


def read_topic(
    bootstrap: str,
    topic: str,
    done: Callable[[list[ConsumerRecord]], bool],
    timeout: float = 30.0,
    **consumer_settings: Any,
) -> list[ConsumerRecord]:
    """Every message of ``topic`` from the beginning, in partition-offset order per partition.

    Reads until ``done(records)`` holds *and* every partition has been read up to its high
    watermark (taken from the fetch responses: Tansu's ListOffsets is wrong for batched
    sends), so that messages beyond what ``done`` waits for are seen too. With a
    ``group_id`` in ``consumer_settings`` the consumer subscribes (a real consumer group);
    otherwise it is assigned every partition.
    """
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False,
        client_id="test-relay-reader", **consumer_settings,
    )  # fmt: skip
    records: list[ConsumerRecord] = []
    try:
        partitions: list[TopicPartition] = []
        if consumer_settings.get("group_id"):
            consumer.subscribe([topic])
        else:
            wait_for(lambda: bool(consumer.partitions_for_topic(topic)), 10, f"metadata of {topic}")
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
            consumer.assign(partitions)
            consumer.seek_to_beginning()
        deadline = time.monotonic() + timeout
        while True:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
            assigned = sorted(consumer.assignment())
            caught_up = bool(assigned) and all(
                consumer.highwater(tp) is not None and consumer.position(tp) >= consumer.highwater(tp)
                for tp in assigned
            )
            if caught_up and done(records):
                if consumer_settings.get("group_id"):
                    expected = consumer.partitions_for_topic(topic) or set()
                    assert {tp.partition for tp in assigned} == expected, "partial assignment"
                return records
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"read {len(records)} message(s) of {topic} in {timeout}s without completing: "
                    f"positions {sorted(positions_of(records))[-5:]} ..."
                )
    finally:
        consumer.close()


def positions_of(records: list[ConsumerRecord]) -> list[int]:
    return [int(dict(r.headers)["ledger_position"]) for r in records]


def count_at_least(n: int) -> Callable[[list[ConsumerRecord]], bool]:
    return lambda records: len(records) >= n


def covers(n: int) -> Callable[[list[ConsumerRecord]], bool]:
    """Every position 1..n was read at least once."""
    wanted = set(range(1, n + 1))
    return lambda records: wanted <= set(positions_of(records))


def decoded(records: list[ConsumerRecord]) -> list[tuple[ConsumerRecord, LedgerMessage]]:
    return [(r, decode(r.key, r.value, r.headers)) for r in records]


def in_offset_order(records: list[ConsumerRecord]) -> list[ConsumerRecord]:
    return sorted(records, key=lambda r: (r.partition, r.offset))


def first_occurrences(records: list[ConsumerRecord]) -> list[ConsumerRecord]:
    """Deduplicate by ledger position, keeping each position's first message (by partition
    offset): what a consumer that tolerates duplicates by position keeps."""
    seen: set[int] = set()
    kept = []
    for record in in_offset_order(records):
        position = int(dict(record.headers)["ledger_position"])
        if position not in seen:
            seen.add(position)
            kept.append(record)
    return kept


def check_ledger_order(records: list[ConsumerRecord], stored: int) -> dict[str, list[int]]:
    """The topic's messages (duplicates removed) are the store's events 1..stored: no gap, each
    group on one partition in ledger order, bodies untouched, each group's chain linked.
    Returns the positions per group."""
    messages = decoded(first_occurrences(records))
    assert sorted(m.position for _, m in messages) == list(range(1, stored + 1))
    per_group: dict[str, list[int]] = defaultdict(list)
    partition_of: dict[str, set[int]] = defaultdict(set)
    last_hash: dict[str, str] = {}
    for record, message in messages:  # partition by partition, in offset order
        group = str(message.group_id)
        assert record.key == group.encode()
        per_group[group].append(message.position)
        partition_of[group].add(record.partition)
        assert message.recomputed_hash() == message.event_hash, f"position {message.position} altered"
        assert message.body["originator_version"] == len(per_group[group])
        if group in last_hash:
            assert message.previous_hash == last_hash[group], f"chain broken at {message.position}"
        last_hash[group] = message.event_hash
    for group, positions in per_group.items():
        assert positions == sorted(positions), f"group {group} out of ledger order: {positions}"
        assert len(partition_of[group]) == 1, f"group {group} spread over {partition_of[group]}"
    return dict(per_group)
