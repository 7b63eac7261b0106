"""Verifying the ledger topic against the event store.

The topic is read from the beginning of every partition (no consumer group), until each
partition's position reaches the high watermark carried by fetch responses (never
``end_offsets``: wrong on the dev broker for batched sends). Each message must decode,
its body must hash to its ``ledger_event_hash`` header, one group's positions must grow
within one partition, and it must equal the stored event at its position (id, group,
hashes, body). A repeated message with identical content is at-least-once delivery and
tolerated; a different message at a known position is a forgery.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from domain.canonical import canonical_bytes
from service.evidence.findings import Check, VerifyReport
from infra.evidence.records import read_records
from infra.kafka.envelope import EnvelopeError, decode


def _digest(value: Any) -> bytes:
    return hashlib.sha256(canonical_bytes(value) if isinstance(value, dict) else value).digest()


def read_topic(client: dict[str, Any], topic: str, idle_timeout: float = 15.0) -> Iterator[Any]:
    """Every record of ``topic``, partition by partition in offset order within each poll."""
    consumer = KafkaConsumer(**{"bootstrap_timeout_ms": 5000, **client}, group_id=None,
                             enable_auto_commit=False, auto_offset_reset="earliest")  # fmt: skip
    try:
        deadline = time.monotonic() + idle_timeout
        while not (ids := consumer.partitions_for_topic(topic)):
            if time.monotonic() > deadline:
                raise LookupError(f"topic {topic} does not exist")
            time.sleep(0.2)
        partitions = [TopicPartition(topic, p) for p in sorted(ids)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        last_progress = time.monotonic()
        while True:
            batch = consumer.poll(timeout_ms=300)
            for tp in sorted(batch, key=lambda t: t.partition):
                yield from batch[tp]
            if batch:
                last_progress = time.monotonic()
            if all((hw := consumer.highwater(tp)) is not None and consumer.position(tp) >= hw for tp in partitions):
                return
            if time.monotonic() - last_progress > idle_timeout:
                raise TimeoutError(f"no progress reading {topic} for {idle_timeout:.0f}s")
    finally:
        consumer.close()


@dataclass(frozen=True, slots=True)
class Seen:
    """The first message seen at one ledger position."""

    partition: int
    offset: int
    fingerprint: bytes  # key, value and headers: equal for a redelivered duplicate
    event_id: str
    group_id: str
    event_hash: str
    previous_hash: str
    body: bytes  # digest of the canonical body


class TopicIndex:
    """Messages by position, checking each on arrival (forgery, duplicates, group order)."""

    def __init__(self, report: Callable[..., None]) -> None:
        self.report = report
        self.seen: dict[int, Seen] = {}
        self.group_place: dict[str, tuple[int, int]] = {}  # group -> (partition, last position)
        self.messages = self.duplicates = 0

    def add(self, record: Any) -> None:
        self.messages += 1
        where = f"partition {record.partition} offset {record.offset}"
        headers = list(record.headers or [])
        try:
            message = decode(record.key, record.value, headers)
        except EnvelopeError as problem:
            raw = dict(headers).get("ledger_position", b"")
            self.report(int(raw) if raw.isdigit() else None, f"malformed message at {where}: {problem}")
            return
        p, ids = message.position, {"event_id": str(message.event_id), "group_id": str(message.group_id)}
        parts = [record.key or b"", record.value or b""] + [k.encode() + b"=" + v for k, v in sorted(headers)]
        fingerprint = _digest(b"\0".join(parts))
        prior = self.seen.get(p)
        if prior is not None:
            if prior.fingerprint == fingerprint:
                self.duplicates += 1
            else:
                self.report(p, f"forged or altered message at {where}: differs from the message already at "
                            f"partition {prior.partition} offset {prior.offset} for the same position", **ids)  # fmt: skip
            return
        if message.recomputed_hash() != message.event_hash:
            self.report(p, f"message body at {where} does not hash to its ledger_event_hash header (altered)", **ids)
        group = str(message.group_id)
        partition, last = self.group_place.get(group, (record.partition, 0))
        if partition != record.partition:
            self.report(p, f"group's events are on partitions {partition} and {record.partition}", **ids)
        elif p < last:
            self.report(p, f"arrives after position {last} of the same group on partition {partition} (reordered)", **ids)
        self.group_place[group] = (partition, max(p, last))
        self.seen[p] = Seen(record.partition, record.offset, fingerprint, ids["event_id"], group,
                            message.event_hash, message.previous_hash, _digest(message.body))  # fmt: skip


def compare_with_store(index: TopicIndex, recorder: Any, published: int, advance: Callable[[int], None]) -> int:
    """Match every stored event with its message; return how many are not published yet."""
    pending = 0
    for records in read_records(recorder):
        for r in records:
            seen = index.seen.pop(r.position, None)
            ids = {"event_id": r.event_id, "group_id": r.group_id}
            if seen is None:
                if r.position <= published:
                    index.report(r.position, f"missing from the topic (the relay had published up to {published})", **ids)
                else:
                    pending += 1
                continue
            differs = [name for name, a, b in (
                ("ce_id", seen.event_id, r.event_id), ("ce_subject", seen.group_id, r.group_id),
                ("ledger_event_hash", seen.event_hash, r.event_hash),
                ("ledger_previous_hash", seen.previous_hash, r.previous_hash),
                ("body", seen.body, _digest(r.body())),
            ) if a != b]  # fmt: skip
            if differs:
                index.report(r.position, f"message at partition {seen.partition} offset {seen.offset} differs "
                             f"from the store in: {', '.join(differs)}", **ids)  # fmt: skip
        advance(len(records))
    for position, seen in sorted(index.seen.items()):
        index.report(position, f"message at partition {seen.partition} offset {seen.offset} has no event at "
                     "this position in the store (deleted from the store, or forged)",
                     event_id=seen.event_id, group_id=seen.group_id)  # fmt: skip
    return pending


def verify_topic(client: dict[str, Any], topic: str, recorder: Any, published: int, report: VerifyReport,
                 advance: Callable[[int], None]) -> None:  # fmt: skip
    index = TopicIndex(report.sink("kafka"))
    for record in read_topic(client, topic):
        index.add(record)
    published = published or max(index.seen, default=0)
    positions = len(index.seen)
    pending = compare_with_store(index, recorder, published, advance)
    status = "mismatch" if report.found("kafka") else "ok"
    report.checks.append(Check("kafka", status, (
        f"{index.messages} message(s) on {topic}: {positions} position(s) compared with the store, "
        f"{index.duplicates} duplicate(s) tolerated, {pending} event(s) not published yet")))  # fmt: skip
