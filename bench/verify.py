"""Verification throughput: ``verify_ledger`` over the whole store vs raw SHA-256.

Issue goal: verifying the ledger runs at least 0.5 of the rate of a raw
``hashlib.sha256`` over the same canonical bytes, measured in the same run.

Ledger: ``EVENTS`` events cloned from the demo year (each clone a new aggregate,
re-sealed so every hash and chain is valid), covered by the Merkle leaves and a
signed checkpoint. The measured path is ``verify_ledger(..., kafka=False)``: read every
stored event, recompute its hash from the raw JSON, check its chain link and version,
recompute its Merkle leaf, compare it with ``merkle_leaves``, rebuild the tree and
check the checkpoint's signature and root.

Baseline (compared): read the same notifications in the same batches and
``hashlib.sha256`` each event's canonical hash-record bytes, i.e. recompute the event
hashes and nothing else (the least an integrity check of the store can do). The pure
hashing rate over precomputed canonical bytes is measured too and shown in the detail
line: it has no database read or JSON work, so it is a ceiling, not a comparable path.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from eventsourcing.persistence import StoredEvent

from bench.harness import Context, Result, Samples, stopwatch
from domain.canonical import GENESIS_HASH, record_hash
from bootstrap import Ledger, build_ledger
from infra.clock import SimulatedClock
from infra.evidence.keys import generate_key
from infra.evidence.records import StoredRecord, from_notification, read_records
from bootstrap import checkpoint_now
from infra.evidence.signing import configured_verifier, signing_key_path
from service.evidence.verifier import verify_ledger

NAME = "verify"
GOAL = 0.5
EVENTS, QUICK_EVENTS = 30_000, 3_000
BATCH = 1000


def templates(ledger: Ledger, clock: SimulatedClock) -> list[list[tuple[str, dict]]]:
    """The demo year's groups, each as its (topic, stored state) by version."""
    from entrypoints.demo.script import DemoRun
    from entrypoints.demo.year import run_year

    run_year(DemoRun(app=ledger.app, clock=clock, suffix="tmpl"))
    groups: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for n in ledger.app.recorder.select_notifications(1, 10_000):
        groups[str(n.originator_id)].append((n.topic, json.loads(n.state)))
    return list(groups.values())


def clone(group: list[tuple[str, dict]], topic_types: dict[str, str]) -> list[StoredEvent]:
    """The group's events under a new aggregate id, re-sealed: valid hashes and chain."""
    originator, previous, stored = uuid.uuid4(), GENESIS_HASH, []
    for version, (topic, template) in enumerate(group, start=1):
        state = template | {"previous_hash": previous}
        state["event_hash"] = ""
        record = StoredRecord(0, str(originator), version, topic_types[topic], state)
        state["event_hash"] = previous = record_hash(record.hash_record())
        stored.append(StoredEvent(originator, version, topic, json.dumps(state, separators=(",", ":")).encode()))
    return stored


def populate(ledger: Ledger, clock: SimulatedClock, events: int) -> int:
    groups = templates(ledger, clock)
    topic_types = {}
    for n in ledger.app.recorder.select_notifications(1, 10_000):
        topic_types[n.topic] = from_notification(n).type_name
    total, pending = ledger.app.recorder.max_notification_id() or 0, []
    while total < events:
        for group in groups:
            pending += clone(group, topic_types)
        if len(pending) >= 2000 or total + len(pending) >= events:
            ledger.app.recorder.insert_events(pending)
            total, pending = total + len(pending), []
    return total


def run_verify(ledger: Ledger, key) -> tuple[int, float]:
    with stopwatch() as elapsed:
        report = verify_ledger(ledger, key=key, kafka=False, batch_size=BATCH)
    if not report.ok:
        raise AssertionError(f"verify found {report.total} problem(s): {report.first().describe()}")
    return ledger.app.recorder.max_notification_id(), elapsed()


def run_raw(ledger: Ledger) -> tuple[int, float]:
    """Read the same notifications and SHA-256 each event's canonical hash-record bytes."""
    sha256, count = hashlib.sha256, 0
    with stopwatch() as elapsed:
        for records in read_records(ledger.app.recorder, 1, BATCH):
            for record in records:
                sha256(record.hash_bytes()).hexdigest()
            count += len(records)
    return count, elapsed()


def run_hash_only(blobs: list[bytes]) -> tuple[int, float]:
    sha256 = hashlib.sha256
    with stopwatch() as elapsed:
        for blob in blobs:
            sha256(blob).hexdigest()
    return len(blobs), elapsed()


def run(ctx: Context) -> list[Result]:
    events = QUICK_EVENTS if ctx.quick else EVENTS
    clock = SimulatedClock(datetime(2025, 12, 31, tzinfo=UTC))
    with tempfile.TemporaryDirectory(prefix="oar-bench-keys-") as keys:
        settings = ctx.target.settings.model_copy(update={"signing_key_path": Path(keys) / "signing.key"})
        generate_key(signing_key_path(settings), settings.signing_key_name)
        ledger = build_ledger(settings, clock)
        try:
            with stopwatch() as elapsed:
                total = populate(ledger, clock, events)
                checkpoint_now(ledger)
            ctx.log(f"{NAME}: {total:,} events stored, leaves and a checkpoint signed in {elapsed():.1f} s")
            key = configured_verifier(settings)
            blobs = [r.hash_bytes() for b in read_records(ledger.app.recorder, 1, BATCH) for r in b]
            run_verify(ledger, key), run_raw(ledger), run_hash_only(blobs)  # warm-up
            verify, raw, hashing = Samples(), Samples(), Samples()
            for rep in range(1, ctx.repetitions + 1):
                order = ("verify", "raw") if rep % 2 else ("raw", "verify")
                for path in order:
                    if path == "verify":
                        rate = verify.add(*run_verify(ledger, key))
                    else:
                        raw_rate = raw.add(*run_raw(ledger))
                hashing.add(*run_hash_only(blobs))
                ctx.log(f"{NAME} rep {rep}/{ctx.repetitions}: verify {rate:,.0f} events/s, "
                        f"read + sha256 {raw_rate:,.0f} events/s, sha256 only {hashing.rates[-1]:,.0f}/s")  # fmt: skip
        finally:
            ledger.close()
    return [
        Result(
            benchmark=NAME,
            database=ctx.target.database,
            measured={"events/s": verify.median},
            compared="events/s",
            baseline_label="read + sha256 events/s",
            baseline=raw.median,
            goal=GOAL,
            detail=(
                f"{total:,} events, 1 checkpoint, no Kafka; median of {ctx.repetitions} (verify {verify.spread()}, "
                f"read + sha256 {raw.spread()}); sha256 alone over precomputed canonical bytes "
                f"{hashing.median:,.0f}/s (verify = {verify.median / hashing.median:.2f} of it)"
            ),
        )
    ]
