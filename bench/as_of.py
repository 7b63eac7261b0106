"""As-of reconstruction: the state of a group with 10,000 events as of any moment.

Goal: under 50 ms. One group with ``AS_OF_EVENTS`` events (requested, approved, then
members joining and leaving), recorded through the ``Group`` aggregate and saved 100
events per ``app.save``; eventsourcing's ``_take_snapshots`` goes over every saved event,
so the application's snapshot every 100 versions is taken as usual (checked: the
snapshot store holds version // 100 of them). Measured: ``app.group_as_of(slug, moment)``
at moments spread over the group's life (binary search over the versions' ledger times,
then the nearest snapshot plus the events after it). Baseline (reported, no goal ratio):
the same version rebuilt by a full replay without snapshots (``FullReplay``).
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from bench.filling import bench_clock
from bench.harness import Context, Result, stopwatch
from bootstrap import Ledger, build_ledger
from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.aggregates.snapshot import GroupSnapshot
from domain.ids import group_id
from service.ledger import LedgerApplication

NAME = "as-of"
AS_OF_EVENTS = 10_000
AS_OF_GOAL_MS = 50
AS_OF_SAVE_EVERY = 100


class FullReplay(LedgerApplication):
    """The ledger application without snapshots, on the ledger's own tables: every load
    folds the group's events from version 1. ``name`` is set again because eventsourcing
    names a subclass's PostgreSQL tables after the subclass (``bench.commands.NoSnapshots``
    therefore reads tables of its own on PostgreSQL; SQLite has one table for all)."""

    name = LedgerApplication.name
    snapshotting_intervals: ClassVar[dict[type, int]] = {}


def run(ctx: Context) -> list[Result]:
    ledger = build_ledger(ctx.target.settings, bench_clock())
    try:
        return [as_of(ctx, ledger)]
    finally:
        ledger.close()


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
    ctx.log(f"{NAME}: a group with {len(times):,} events recorded in {elapsed():.1f} s, "
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
        ctx.log(f"{NAME} version {v:>6,}: group_as_of {typical[v]:7.1f} ms, full replay {full[v]:8.1f} ms")
    as_of_median, as_of_worst = statistics.median(typical.values()), max(typical.values())
    replay_median = statistics.median(full.values())
    return Result(
        benchmark=NAME,
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
