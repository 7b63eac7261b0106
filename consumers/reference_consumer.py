"""A reference downstream consumer of the ledger topic, small enough to copy.

It needs only kafka-python, jsonschema and the standard library (no ledger code), and does
what every consumer of the ledger should:

* validates each message body against its JSON Schema (``contracts/schemas/<Type>.vN.json``,
  chosen by the ``ce_type`` header);
* checks each group's hash chain as it goes: the body's hash, the header's hash, the
  previous hash and a version one above the last one seen — a gap, a fork or an altered
  message stops it (:class:`LedgerContractError`); it never skips silently;
* deduplicates by ``ce_id`` (the relay delivers at least once; a republished topic repeats
  everything);
* runs the side effect (``handle``), records the event as seen, the chain and the
  partition's next offset in ONE SQLite transaction, and on every (re)assignment seeks to
  the offsets it stored: rebalances, crashes and restarts never repeat a side effect.

Replace ``handle`` with your own (it gets the open transaction: write your rows with it).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener

TYPE_PREFIX = "ch.cern.alumni.ledger."
GENESIS = "0" * 64
Handler = Callable[[sqlite3.Connection, dict[str, Any], dict[str, str]], None]
_STATE = """
CREATE TABLE IF NOT EXISTS seen_events (ce_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS group_chains (group_id TEXT PRIMARY KEY, version INTEGER NOT NULL, event_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS offsets (topic TEXT, part INTEGER, next_offset INTEGER NOT NULL, PRIMARY KEY (topic, part));
"""


class LedgerContractError(Exception):
    """A message breaks the ledger's contract (schema or hash chain): stop and investigate."""


def event_hash(body: dict[str, Any], event_type: str) -> str:
    """SHA-256 of the canonical record: the body without ``event_hash``, plus ``type``, as
    JSON with sorted keys, no white space, UTF-8 (README, "The hash chain")."""
    record = {k: v for k, v in body.items() if k != "event_hash"} | {"type": event_type}
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ReferenceConsumer:
    def __init__(self, consumer_config: dict[str, Any], topic: str, schemas: Path, state: Path,
                 handle: Handler) -> None:  # fmt: skip
        self.topic, self.handle = topic, handle
        self.validators = {
            path.name.removesuffix(".json"): Draft202012Validator(json.loads(path.read_text()), format_checker=FormatChecker())
            for path in schemas.glob("*.json")
        }  # fmt: skip
        self.db = sqlite3.connect(state, check_same_thread=False, timeout=30)
        self.db.executescript(_STATE)
        self.consumer = KafkaConsumer(**consumer_config, enable_auto_commit=False, auto_offset_reset="earliest")
        self.consumer.subscribe([topic], listener=_SeekToStoredOffsets(self))

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.poll_once()

    def poll_once(self, timeout_ms: int = 500) -> int:
        """Process one poll's messages; return how many were new (side effect run)."""
        new = 0
        for tp, records in self.consumer.poll(timeout_ms=timeout_ms).items():
            for record in records:
                new += self._process(tp, record)
        return new

    def close(self) -> None:
        self.consumer.close()
        self.db.close()

    def _process(self, tp: TopicPartition, record: Any) -> int:
        headers = {name: raw.decode("utf-8") for name, raw in record.headers or []}
        with self.db:  # one transaction: side effect, dedup record, chain, offset
            seen = self.db.execute("SELECT 1 FROM seen_events WHERE ce_id = ?", (headers.get("ce_id"),)).fetchone()
            if not seen:
                body = self._checked(headers, record)
                self.handle(self.db, body, headers)
                self.db.execute("INSERT INTO seen_events VALUES (?)", (headers["ce_id"],))
                self.db.execute("INSERT OR REPLACE INTO group_chains VALUES (?, ?, ?)",
                                (headers["ce_subject"], body["originator_version"], body["event_hash"]))  # fmt: skip
            self.db.execute("INSERT OR REPLACE INTO offsets VALUES (?, ?, ?)", (tp.topic, tp.partition, record.offset + 1))
        return 0 if seen else 1

    def _checked(self, headers: dict[str, str], record: Any) -> dict[str, Any]:
        where = f"{record.topic}/{record.partition}@{record.offset} (ce_id {headers.get('ce_id')})"
        event_type = headers.get("ce_type", "").removeprefix(TYPE_PREFIX)
        validator = self.validators.get(event_type)
        if validator is None:
            raise LedgerContractError(f"{where}: no schema for type {event_type!r}: update the contracts")
        body = json.loads(record.value)
        problems = sorted(validator.iter_errors(body), key=str)
        if problems:
            raise LedgerContractError(f"{where}: invalid {event_type}: {problems[0].message}")
        self._check_chain(where, headers, body, event_type)
        return body

    def _check_chain(self, where: str, headers: dict[str, str], body: dict[str, Any], event_type: str) -> None:
        if event_hash(body, event_type) != body["event_hash"] or headers.get("ledger_event_hash") != body["event_hash"]:
            raise LedgerContractError(f"{where}: event_hash does not match the event's content")
        last = self.db.execute(
            "SELECT version, event_hash FROM group_chains WHERE group_id = ?", (headers["ce_subject"],)
        ).fetchone() or (0, GENESIS)  # fmt: skip
        if (body["originator_version"], body["previous_hash"]) != (last[0] + 1, last[1]):
            raise LedgerContractError(
                f"{where}: chain broken for group {headers['ce_subject']}: got version {body['originator_version']} "
                f"after {last[0]}, previous_hash {body['previous_hash'][:12]}… instead of {last[1][:12]}…"
            )


class _SeekToStoredOffsets(ConsumerRebalanceListener):
    """On every assignment, resume from the offsets stored with the side effects."""

    def __init__(self, owner: ReferenceConsumer) -> None:
        self.owner = owner

    def on_partitions_assigned(self, assigned: Any) -> None:
        for tp in assigned:
            row = self.owner.db.execute(
                "SELECT next_offset FROM offsets WHERE topic = ? AND part = ?", (tp.topic, tp.partition)
            ).fetchone()  # fmt: skip
            if row:
                self.owner.consumer.seek(tp, row[0])
            else:
                self.owner.consumer.seek_to_beginning(tp)

    def on_partitions_revoked(self, revoked: Any) -> None:
        pass  # nothing to flush: each message was committed with its side effect
