"""Verification throughput: ``verify_ledger`` over the whole store vs orjson + SHA-256.

Goal: verifying the ledger runs at least 0.5 of the rate of reading the same events and
recomputing their hashes with the fastest well-kept libraries, in the same run.

Ledger: ``EVENTS`` re-sealed clones of the demo year (``bench.filling``), covered by the
Merkle leaves and a signed checkpoint. Measured: ``verify_ledger(..., VerifySources(kafka=False))``:
read every stored event, recompute its hash from the raw JSON, check its chain link and
version, recompute its Merkle leaf and compare it with ``merkle_leaves``, rebuild the
tree and check the checkpoint's signature and root.

Raw baseline (none of the project's code): read the same notifications with the
recorder in the same batches, ``orjson.loads`` each state, build the hash record
(drop ``event_hash``, add the coordinates and the type), ``orjson.dumps`` it with sorted
keys and SHA-256 it. Its canonical bytes are checked byte-identical to the ledger's on
every event (and its hashes equal to the recorded ones) before the clock starts.

A run makes ``passes`` passes over the ledger, calibrated so that the raw side of every
pair lasts at least 5 s; both sides make the same number.
"""

from __future__ import annotations

import hashlib
import statistics
import tempfile
from pathlib import Path
from typing import Any

import orjson
from eventsourcing.utils import resolve_topic

from bench.filling import Filler, bench_clock
from bench.harness import Context, Result, stopwatch
from bench.rules import MIN_RAW_SECONDS, Pairs
from bootstrap import Ledger, build_ledger, checkpoint_now
from infra.evidence.keys import generate_key
from infra.evidence.records import read_records
from infra.evidence.signing import configured_verifier, key_name, signing_key_path
from service.evidence.verifier import VerifySources, verify_ledger

NAME = "verify"
GOAL = 0.5
EVENTS, QUICK_EVENTS = 60_000, 3_000
BATCH = 1000
SORTED = orjson.OPT_SORT_KEYS


def run_verify(ledger: Ledger, key: Any, passes: int) -> tuple[int, float]:
    with stopwatch() as elapsed:
        for _ in range(passes):
            report = verify_ledger(ledger, VerifySources(key=key, kafka=False), batch_size=BATCH)
            if not report.ok:
                raise AssertionError(f"verify found {report.total} problem(s): {report.first().describe()}")
    return ledger.app.recorder.max_notification_id() * passes, elapsed()


def baseline_records(recorder: Any, types: dict[str, str]) -> Any:
    """(canonical bytes, recorded hash) of every stored event, as a user would compute them."""
    start, dumps, loads = 1, orjson.dumps, orjson.loads
    while batch := recorder.select_notifications(start, BATCH):
        for n in batch:
            state = loads(n.state)
            recorded = state.pop("event_hash")
            state.pop("originator_topic", None)
            version = state.pop("class_version", 1)  # a v2 state names its version; v1 states none
            state["originator_id"], state["originator_version"] = str(n.originator_id), n.originator_version
            state["type"] = f"{types[n.topic]}.v{version}"
            yield dumps(state, option=SORTED), recorded
        start = batch[-1].id + 1


def topic_types(recorder: Any) -> dict[str, str]:
    topics = {n.topic for b in [recorder.select_notifications(1, 10_000)] for n in b}
    return {topic: resolve_topic(topic).__name__ for topic in topics}


def run_raw(ledger: Ledger, types: dict[str, str], passes: int) -> tuple[int, float]:
    sha256, count, bad = hashlib.sha256, 0, 0
    with stopwatch() as elapsed:
        for _ in range(passes):
            for canonical, recorded in baseline_records(ledger.app.recorder, types):
                bad += sha256(canonical).hexdigest() != recorded
                count += 1
    if bad:
        raise AssertionError(f"the baseline recomputed {bad} hashes that differ from the recorded ones")
    return count, elapsed()


def check_identical(ledger: Ledger, types: dict[str, str]) -> int:
    """The baseline's canonical bytes are the ledger's, event by event."""
    ours = (r.hash_bytes() for records in read_records(ledger.app.recorder, 1, BATCH) for r in records)
    compared = 0
    for (theirs, _), mine in zip(baseline_records(ledger.app.recorder, types), ours, strict=True):
        if theirs != mine:
            raise AssertionError(f"canonical bytes differ at event {compared + 1}: {theirs[:80]!r} / {mine[:80]!r}")
        compared += 1
    return compared


def run(ctx: Context) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="oar-bench-keys-") as keys:
        settings = ctx.target.settings.model_copy(update={"signing_key_path": Path(keys) / "signing.key"})
        generate_key(signing_key_path(settings), key_name(settings))
        clock = bench_clock()
        ledger = build_ledger(settings, clock)
        try:
            with stopwatch() as elapsed:
                total = Filler(ledger, clock).fill(QUICK_EVENTS if ctx.quick else EVENTS)
                checkpoint_now(ledger)
            ctx.log(f"{NAME}: {total:,} events stored, leaves and a checkpoint signed in {elapsed():.1f} s")
            key, types = configured_verifier(settings), topic_types(ledger.app.recorder)
            ctx.log(f"{NAME}: canonical bytes of the baseline and the ledger identical on "
                    f"{check_identical(ledger, types):,} events")  # fmt: skip
            run_verify(ledger, key, 1)  # warm-up
            count, seconds = run_raw(ledger, types, 1)
            passes = 1 if ctx.quick else max(1, int(MIN_RAW_SECONDS * 2 / seconds) + 1)  # 2x: rates swing with load
            ctx.log(f"{NAME}: baseline warm-up {count / seconds:,.0f} events/s -> {passes} passes per run")
            pairs = Pairs()
            for rep in range(1, ctx.repetitions + 1):
                for path in ("verify", "raw") if rep % 2 else ("raw", "verify"):
                    if path == "verify":
                        verified, verify_seconds = run_verify(ledger, key, passes)
                    else:
                        hashed, raw_seconds = run_raw(ledger, types, passes)
                pair = pairs.add(verified / verify_seconds, hashed, raw_seconds)
                ctx.log(f"{NAME} pair {rep}/{ctx.repetitions}: verify {pair.measured:,.0f} events/s, orjson read "
                        f"+ canonicalise + sha256 {pair.baseline:,.0f} events/s ({raw_seconds:.1f} s), "
                        f"ratio {pair.ratio:.2f}")  # fmt: skip
            if ctx.profile or pairs.ratio < GOAL:
                from bench.verify_profile import profile_verify

                profile_verify(ctx, ledger, key, total)
        finally:
            ledger.close()
    return [
        Result(
            benchmark=NAME, database=ctx.target.database,
            measured={"events/s": statistics.median(p.measured for p in pairs.pairs)}, compared="events/s",
            baseline_label="orjson read + canonicalise + sha256 events/s",
            baseline=statistics.median(p.baseline for p in pairs.pairs), goal=GOAL,
            detail=f"{total:,} events x {passes} passes per run, 1 checkpoint, no Kafka; canonical bytes identical",
            pairs=pairs,
        )  # fmt: skip
    ]
