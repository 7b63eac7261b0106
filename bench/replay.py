"""Replay: rebuilding the read models from the topic, the projector's memory, as-of queries.

Issue goals: (a) a replay (``Projector.run(once=True)`` into empty read models) runs at
least 0.5 of the rate of a raw kafka-python consumer reading the same topic; (b) the
projector's memory stays bounded (under 300 MB for a 1M-event ledger); (c) the state of
a group with 10,000 events is rebuilt as of any moment in under 50 ms.

(a) Replay rate. The store holds ``EVENTS`` events cloned from the demo year (as
``bench.verify`` does, each clone a group of its own), published once by the relay to
a fresh topic of the ledger topic's shape on one Tansu development broker. Measured:
``build_projector(..., use_group=False)`` then ``run(once=True)``, into empty read
models (dropped and re-created before each repetition, outside the clock), on the
target database: poll, decode each CloudEvent, validate the pydantic event, fold it,
and write each partition's batch with its offset in one transaction as one unit of
work (one SELECT per touched table, the changes applied in memory, one ``executemany``
per statement shape: a couple of dozen statements per batch, not five or six per
event); ``once`` returns as soon as every partition is read to the high watermark
its last fetch reported (no final empty poll). Raw baseline: a ``KafkaConsumer``
with the same client settings, every partition assigned, from offset 0,
``poll(timeout_ms=500, max_records=1000)`` as the projector polls, counting messages
until all are read; nothing decoded or written. Both are timed from creating the
consumer; the time between the last event applied and ``run()`` returning is shown
too (it should be about zero).

(b) Memory. The projector runs in a child process (nothing else in it) replaying the
whole topic into empty read models; the child reports its peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``, i.e. everything: Python heap, SQLite's page
cache, kafka-python's fetch buffers) and its RSS just before the projector was built
(interpreter, imports, engine). Measured at N and 2N events on a topic grown by the
same relay; flat figures mean the memory does not grow with the ledger. 1M events are
not run by default (broker memory, time): set ``OAR_BENCH_REPLAY_EVENTS=1000000`` to
add that size to the memory measurement (it needs a few GB of RAM for the broker and,
on SQLite, tens of minutes).

(c) As-of. One group with ``AS_OF_EVENTS`` events (requested, approved, then members
joining and leaving), recorded through the ``Group`` aggregate and saved 100 events
per ``app.save``; eventsourcing's ``_take_snapshots`` goes over every saved event, so
the application's snapshot every 100 versions is taken as usual (checked: the snapshot
store holds version // 100 of them). Measured: ``app.group_as_of(slug, moment)`` at
moments spread over the group's life (binary search over the versions' ledger times,
then the nearest snapshot plus the events after it). Raw baseline: the same version
rebuilt by a full replay without snapshots (``repository.get(id, version=v)`` of the
application without snapshotting, ``FullReplay``), i.e. folding every event from
version 1.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import Engine

from bench.harness import Context, Result, Samples, stopwatch
from bench.relay import (
    Filler,
    crc32c_note,
    delete_topic,
    fresh_topic,
    ledger_and_broker,
    ledger_spec,
    publish_all,
    relay_for,
)
from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.aggregates.snapshot import GroupSnapshot
from domain.ids import group_id
from bootstrap import Ledger, build_projection_engine, build_projector
from infra.kafka.config import kafka_client_config
from infra.settings import Settings
from service.ledger import LedgerApplication
from projections.tables import read_models

NAME = "replay"
GOAL = 0.5
EVENTS, QUICK_EVENTS = 10_000, 1_500
"""Events replayed; smaller than the relay's because the projector applies a few
thousand events per second (2,500-3,500/s on SQLite and PostgreSQL on the dev machine)."""
MEMORY_FACTORS = (1, 2)
"""Memory is measured at these multiples of the replay size (plus ``OAR_BENCH_REPLAY_EVENTS``)."""
MEMORY_GOAL_MB, MEMORY_GOAL_EVENTS = 300, 1_000_000
AS_OF_EVENTS = 10_000
AS_OF_GOAL_MS = 50
AS_OF_SAVE_EVERY = 100
ENV_REPLAY_EVENTS = "OAR_BENCH_REPLAY_EVENTS"
POLL_MS, POLL_RECORDS = 500, 1000  # as Projector.run polls


class FullReplay(LedgerApplication):
    """The ledger application without snapshots, on the ledger's own tables: every load
    folds the group's events from version 1. ``name`` is set again because eventsourcing
    names a subclass's PostgreSQL tables after the subclass (``bench.commands.NoSnapshots``
    therefore reads tables of its own on PostgreSQL; SQLite has one table for all)."""

    name = LedgerApplication.name
    snapshotting_intervals: ClassVar[dict[type, int]] = {}


def run(ctx: Context) -> list[Result]:
    events = QUICK_EVENTS if ctx.quick else EVENTS
    settings = ctx.target.settings
    results = []
    with ledger_and_broker(ctx) as (ledger, clock, broker):
        bootstrap = broker.bootstrap_servers
        filler = Filler(ledger, clock)
        total = filler.fill(events)
        topical = fresh_topic(settings, bootstrap, "replay")
        with stopwatch() as elapsed:
            published = publish_all(ledger, topical, bootstrap)
        ctx.log(f"{NAME}: {total:,} events stored, published by the relay in {elapsed():.1f} s")
        assert published == total, (published, total)
        engine = build_projection_engine(topical)
        try:
            results.append(replay_rate(ctx, topical, engine, bootstrap, total))
            delete_topic(topical, bootstrap)
            results.append(replay_memory(ctx, ledger, filler, settings, engine, bootstrap, total))
        finally:
            engine.dispose()
        results.append(as_of(ctx, ledger))
    return results


# -- (a) replay rate -----------------------------------------------------------------


def reset_read_models(engine: Engine) -> None:
    read_models.drop_all(engine)
    read_models.create_all(engine)


def run_projector(
    settings: Settings, engine: Engine, bootstrap: str, expected: int
) -> tuple[int, float, float]:
    """Replay the topic into empty read models; (events applied, seconds, seconds until
    the last event was applied)."""
    reset_read_models(engine)
    applied_at: list[float] = []

    def progress(applied: int, _known: int) -> None:
        if applied >= expected and not applied_at:
            applied_at.append(time.perf_counter())

    projector = None
    try:
        with stopwatch() as elapsed:
            start = time.perf_counter()
            projector = build_projector(settings, engine, bootstrap, use_group=False)
            applied = projector.run(threading.Event(), once=True, progress=progress)
    finally:
        if projector is not None:
            projector.close()
    if applied != expected:
        raise AssertionError(f"the projector applied {applied} events, the topic holds {expected}")
    return applied, elapsed(), (applied_at[0] - start) if applied_at else elapsed()


def run_raw(settings: Settings, bootstrap: str, expected: int, timeout: float = 120.0) -> tuple[int, float]:
    """Read the topic from offset 0, every partition, counting messages (nothing decoded)."""
    topic = settings.ledger_topic
    consumer = None
    count = 0
    try:
        with stopwatch() as elapsed:
            consumer = KafkaConsumer(**kafka_client_config(settings, bootstrap), group_id=None,
                                     enable_auto_commit=False, auto_offset_reset="earliest")  # fmt: skip
            numbers = sorted(consumer.partitions_for_topic(topic) or ())
            partitions = [TopicPartition(topic, p) for p in numbers]
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


def replay_rate(ctx: Context, settings: Settings, engine: Engine, bootstrap: str, total: int) -> Result:
    run_raw(settings, bootstrap, total)  # warm-up (the projector's runs are long enough not to need one)
    projector, raw, tails = Samples(), Samples(), []
    for rep in range(1, ctx.repetitions + 1):
        for path in ("projector", "raw") if rep % 2 else ("raw", "projector"):
            if path == "projector":
                applied, seconds, last_applied = run_projector(settings, engine, bootstrap, total)
                projector.add(applied, seconds)
                tails.append(seconds - last_applied)
            else:
                raw.add(*run_raw(settings, bootstrap, total))
        ctx.log(f"{NAME} rep {rep}/{ctx.repetitions}: projector {projector.rates[-1]:,.0f} events/s "
                f"(last event applied {tails[-1]:.2f} s before run() returned), raw consumer "
                f"{raw.rates[-1]:,.0f} events/s, ratio {projector.rates[-1] / raw.rates[-1]:.2f}")  # fmt: skip
    paired = tuple(p / r for p, r in zip(projector.rates, raw.rates, strict=True))
    result = Result(
        benchmark=NAME,
        database=ctx.target.database,
        measured={"events/s": projector.median},
        compared="events/s",
        baseline_label="raw consumer events/s",
        baseline=raw.median,
        goal=GOAL,
        detail=(
            f"{total:,} events on a {ledger_spec(settings).partitions}-partition topic, Projector.run(once=True) "
            f"into empty read models vs a kafka-python consumer counting messages (both with {crc32c_note()}); "
            f"median of {ctx.repetitions} (projector {projector.spread()}, raw {raw.spread()}; ratio = median of "
            f"per-repetition ratios "
            f"{', '.join(f'{r:.2f}' for r in paired)}); run() returned a median "
            f"{statistics.median(tails):.2f} s after the last event was applied"
        ),
        paired_ratios=paired,
    )
    if ctx.profile:
        profile_projector(ctx, settings, engine, bootstrap, total)
    elif result.ratio < GOAL:
        ctx.log(f"{NAME}: below the goal; --profile prints a cProfile of the replay")
    return result


def profile_projector(ctx: Context, settings: Settings, engine: Engine, bootstrap: str, total: int) -> None:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    reset_read_models(engine)
    projector = build_projector(settings, engine, bootstrap, use_group=False)
    try:
        profiler.enable()
        projector.run(threading.Event(), once=True)
        profiler.disable()
    finally:
        projector.close()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(25 if order == "cumulative" else 15)
        lines = out.getvalue().strip().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        title = f"cProfile of the replay on {ctx.target.database}, by {order}"
        ctx.console.print(f"[bold]{title}[/bold] ({total:,} events)")
        ctx.console.print("\n".join(lines[start:]), markup=False, highlight=False, soft_wrap=True)


# -- (b) memory ----------------------------------------------------------------------


def memory_sizes(events: int) -> list[int]:
    sizes = [events * factor for factor in MEMORY_FACTORS]
    extra = os.environ.get(ENV_REPLAY_EVENTS)
    if extra:
        sizes = sorted({*sizes, int(extra.replace("_", ""))})
    return sizes


def replay_memory(ctx: Context, ledger: Ledger, filler: Filler, settings: Settings, engine: Engine,
                  bootstrap: str, events: int) -> Result:  # fmt: skip
    """Grow the store and one topic to each size; replay it in a child process each time."""
    topical = fresh_topic(settings, bootstrap, "memory")
    relay = relay_for(ledger, topical, bootstrap)
    found: dict[int, dict[str, float]] = {}
    try:
        for size in memory_sizes(events):
            total = filler.fill(size)
            relay.drain()
            reset_read_models(engine)
            child = memory_child(topical, bootstrap)
            if child["applied"] != total:
                raise AssertionError(f"the child projector applied {child['applied']} of {total} events")
            found[total] = child
            ctx.log(f"{NAME} memory: {total:,} events replayed in a child process in {child['seconds']:.1f} s "
                    f"({total / child['seconds']:,.0f} events/s): peak RSS {child['peak_mb']:,.0f} MB, "
                    f"{child['peak_mb'] - child['before_mb']:,.0f} MB above its RSS before the projector "
                    f"({child['before_mb']:,.0f} MB)")  # fmt: skip
    finally:
        relay.close()
        delete_topic(topical, bootstrap)
    sizes = sorted(found)
    smallest, largest = found[sizes[0]], found[sizes[-1]]
    growth = largest["peak_mb"] - smallest["peak_mb"]
    ran_goal = sizes[-1] >= MEMORY_GOAL_EVENTS
    return Result(
        benchmark=f"{NAME} memory",
        database=ctx.target.database,
        measured={f"MB peak RSS at {size:,} events": found[size]["peak_mb"] for size in sizes},
        compared=f"MB peak RSS at {sizes[-1]:,} events",
        baseline_label=f"MB peak RSS at {sizes[0]:,} events",
        baseline=smallest["peak_mb"],
        goal=None,
        detail=(
            f"peak RSS of a child process running only the projector (getrusage ru_maxrss: heap, SQLite cache, "
            f"fetch buffers; its RSS before the projector was {smallest['before_mb']:,.0f} MB); ratio = peak at "
            f"{sizes[-1]:,} / peak at {sizes[0]:,} events (1.00 = flat), {growth:+,.0f} MB for "
            f"{sizes[-1] - sizes[0]:,} more events (no extrapolation). "
            + (f"Goal < {MEMORY_GOAL_MB} MB at {sizes[-1]:,} events: "
               f"{'met' if largest['peak_mb'] < MEMORY_GOAL_MB else 'NOT met'}." if ran_goal else
               f"1M events were NOT run (goal < {MEMORY_GOAL_MB} MB at 1M): "
               f"set {ENV_REPLAY_EVENTS}=1000000 to run it.")
        ),  # fmt: skip
    )


def memory_child(settings: Settings, bootstrap: str) -> dict[str, float]:
    """Run ``_memory_child`` in a fresh interpreter; return what it reports."""
    spec = {
        # by field name; the password (masked in a dump) and the aliased bootstrap come from the env
        "settings": settings.model_dump(mode="json", exclude={"kafka_bootstrap_servers", "kafka_sasl_password"}),
        "bootstrap": bootstrap,
    }
    root = Path(__file__).resolve().parents[1]
    path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    env = os.environ | {"PYTHONPATH": path}
    completed = subprocess.run(
        [sys.executable, "-c", "from bench.replay import _memory_child; _memory_child()", json.dumps(spec)],
        cwd=root, env=env, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    if completed.returncode != 0:
        raise RuntimeError(f"the memory child failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory_child() -> None:
    """In the child: replay the topic into the (empty) read models; print JSON figures."""
    spec = json.loads(sys.argv[1])
    settings = Settings(**spec["settings"], _env_file=None)
    engine = build_projection_engine(settings)
    before = _rss_mb()
    projector = build_projector(settings, engine, spec["bootstrap"], use_group=False)
    try:
        with stopwatch() as elapsed:
            applied = projector.run(threading.Event(), once=True)
    finally:
        projector.close()
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"applied": applied, "seconds": elapsed(), "before_mb": before, "peak_mb": peak}))


# -- (c) as-of -----------------------------------------------------------------------


def long_group(app: LedgerApplication, slug: str, events: int) -> list[datetime]:
    """A public group with ``events`` events (request, approve, joins and leaves), one
    second apart, saved every ``AS_OF_SAVE_EVERY`` events; return each version's time."""
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    times: list[datetime] = []

    def at() -> datetime:
        times.append(start + timedelta(seconds=len(times)))
        return times[-1]

    founder, oar = Actor(id="m-1001", role="member"), Actor(id="oar-1", role="oar")
    group = Group.request(c.RequestGroup(
        actor=founder, group=slug, name="A long-lived group", group_type="other", managed_by="alumni",
        visibility="public", objectives="Measure as-of reconstruction",
        proposed_managers=("m-1001", "m-1002"),
    ), at())  # fmt: skip
    group.approve(c.ApproveGroup(actor=oar, group=slug, reason="objectives clear, two managers"), at())
    person = 0
    while len(times) < events:
        member = Actor(id=f"a-{person}", role="member")
        group.join(c.JoinGroup(actor=member, group=slug), at())
        if len(times) < events:
            group.leave(c.LeaveGroup(actor=member, group=slug), at())
        person += 1
        if len(group.pending_events) >= AS_OF_SAVE_EVERY:
            app.save(group)
    app.save(group)
    return times


def as_of(ctx: Context, ledger: Ledger) -> Result:
    app, slug = ledger.app, "bench-as-of"
    with stopwatch() as elapsed:
        times = long_group(app, slug, AS_OF_EVENTS)
    aggregate_id = group_id(slug)
    snapshots = len(app.snapshots.recorder.select_events(aggregate_id)) if app.snapshots else 0
    ctx.log(f"{NAME} as-of: a group with {len(times):,} events recorded in {elapsed():.1f} s, "
            f"{snapshots} snapshots")  # fmt: skip
    if snapshots != len(times) // 100:
        raise AssertionError(f"expected {len(times) // 100} snapshots of {slug}, found {snapshots}")
    last = len(times)
    versions = sorted({1, 2, 99, 100, 101, last // 4, last // 2 - 1, 3 * last // 4 + 50, last - 1, last})
    # a moment between two events (half a second after version v) must give version v
    moments = {v: times[v - 1] + timedelta(milliseconds=500 * (i % 2)) for i, v in enumerate(versions)}
    plain = FullReplay(env=ctx.target.event_store_env(), clock=app.clock)
    assert plain.snapshots is None
    try:
        for version, moment in moments.items():  # warm-up and correctness
            rebuilt = app.group_as_of(slug, moment)
            replayed = plain.repository.get(aggregate_id, version=version)
            same = GroupSnapshot.take(rebuilt).state == GroupSnapshot.take(replayed).state
            if rebuilt.version != version or not same:
                raise AssertionError(
                    f"as of {moment}: version {rebuilt.version} differs from a full replay to {version}"
                )
        as_of_ms: dict[int, list[float]] = {v: [] for v in versions}
        replay_ms: dict[int, list[float]] = {v: [] for v in versions}
        for _ in range(ctx.repetitions):
            for version, moment in moments.items():
                with stopwatch() as elapsed:
                    app.group_as_of(slug, moment)
                as_of_ms[version].append(elapsed() * 1e3)
                with stopwatch() as elapsed:
                    plain.repository.get(aggregate_id, version=version)
                replay_ms[version].append(elapsed() * 1e3)
    finally:
        plain.close()
    typical = {v: statistics.median(ms) for v, ms in as_of_ms.items()}
    full = {v: statistics.median(ms) for v, ms in replay_ms.items()}
    for v in versions:
        ctx.log(f"{NAME} as-of version {v:>6,}: group_as_of {typical[v]:7.1f} ms, full replay {full[v]:8.1f} ms")
    as_of_median, as_of_worst = statistics.median(typical.values()), max(typical.values())
    replay_median = statistics.median(full.values())
    return Result(
        benchmark=f"{NAME} as-of",
        database=ctx.target.database,
        measured={"as-of queries/s": 1e3 / as_of_median},
        compared="as-of queries/s",
        baseline_label="full replays/s",
        baseline=1e3 / replay_median,
        goal=None,
        detail=(
            f"a group of {last:,} events ({snapshots} snapshots), {len(versions)} moments from version 1 "
            f"to {last:,}, median of {ctx.repetitions} each: group_as_of {as_of_median:.1f} ms (worst moment "
            f"{as_of_worst:.1f} ms; goal < {AS_OF_GOAL_MS} ms: {'met' if as_of_worst < AS_OF_GOAL_MS else 'NOT met'}"
            f"), "
            f"full replay without snapshots {replay_median:.0f} ms (to version {last:,}: {full[last]:.0f} ms); "
            f"ratio = speed-up"
        ),
    )
