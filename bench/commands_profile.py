"""Where a command's time goes (``--profile``): perf_counter splits of the stages, cProfile,
and what-ifs (bench-only subclasses; nothing changed in product code), interleaved."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from eventsourcing.application import Application
from rich.table import Table

import domain.events.base as event_base
from bench.commands import BLOCK_GROUPS, NAME, block, group_script, raw_events, run_ledger, run_raw, scripts
from bench.harness import Context, Samples, interleaved, stopwatch
from bench.plain import PlainBaseline, run_plain, run_plain_append
from bench.splits import Splits
from bootstrap import Ledger
from domain import commands as c
from domain.actors import Actor
from domain.aggregates.base import LedgerAggregate
from domain.aggregates.group import Group
from domain.events.base import LedgerEvent
from domain.policy.base import PolicyPack
from infra.clock import system_clock
from service.ledger import LedgerApplication


@contextmanager
def instrumented(app: LedgerApplication, splits: Splits) -> Iterator[None]:
    """Time the stages of the ledger path: instance and class attributes are wrapped for
    the duration and restored after (product code is not changed)."""
    patches: list[tuple[Any, str, str]] = [
        (app.recorder, "select_events", "read"),
        (app.recorder, "insert_events", "write"),
        (app.mapper, "to_domain_event", "decode"),
        (app.mapper, "to_stored_event", "encode"),
        (app.repository, "get", "load"),
        (app, "_save_group", "save"),
        (PolicyPack, "enforce", "rules"),
        (LedgerAggregate, "trigger_event", "construct"),
        (Group, "_create", "construct"),
        (LedgerEvent, "hash_record", "hash"),
        (event_base, "record_hash", "hash"),
    ]
    if app.snapshots is not None:  # snapshots have a recorder (and table) of their own
        patches.append((app.snapshots.recorder, "select_events", "snapshot_read"))
    with splits.wrapping(patches):
        yield


def stages(splits: Splits, total: float) -> dict[str, float]:
    """Disjoint stages (seconds) from the nested timers."""
    s = splits.seconds
    out = {
        "store write: insert + commit (1 transaction)": s["write"],
        "store read: load the group's events": s["read"],
        "store read: snapshot lookup (snapshots every 100)": s["snapshot_read"],
        "mapper decode: JSON -> pydantic event (replay)": s["decode"],
        "replay: mutators + es Protocol isinstance assert": (
            s["load"] - s["read"] - s["snapshot_read"] - s["decode"]
        ),
        "rule checks (policy pack)": s["rules"],
        "new event: pydantic validation + apply": s["construct"] - s["hash"],
        "hash chain: canonical bytes + sha256": s["hash"],
        "mapper encode: pydantic -> JSON": s["encode"],
        "es save bookkeeping (record, notify, snapshot at v100)": s["save"] - s["encode"] - s["write"],
    }
    out["other: dispatch, clock, Receipt, timers"] = total - sum(out.values())
    return {name: max(0.0, seconds) for name, seconds in out.items()}


class NoSnapshots(LedgerApplication):
    """What-if: the ledger without its snapshots (as before they were added): one
    read less per command, but a long-lived group is replayed from its first event."""

    name = LedgerApplication.name  # eventsourcing names tables after the application
    snapshotting_intervals: ClassVar[dict[type, int]] = {}


def protocol_check_us(app: LedgerApplication) -> float:
    """µs per ``isinstance(event, CanMutateProtocol)``, the assert eventsourcing's
    ``project_aggregate`` runs for every replayed event (a runtime-checkable Protocol)."""
    from eventsourcing.domain import CanMutateProtocol

    events = app.group_events("bench-warm-00000")
    rounds = 2000
    with stopwatch() as elapsed:
        for _ in range(rounds):
            for one in events:
                assert isinstance(one, CanMutateProtocol)
    return elapsed() / (rounds * len(events)) * 1e6


def long_group_cost(app: LedgerApplication, label: str, length: int, probes: int) -> float:
    """µs per command on a group that already has ``length`` events (joins)."""
    steps = group_script(f"bench-{label}")
    slug = steps[0].group
    run_ledger(app, steps[:3])  # request, appoint, approve
    joins = [c.JoinGroup(actor=Actor(id=f"a-{i}", role="member"), group=slug) for i in range(length + probes)]
    run_ledger(app, joins[: max(0, length - 3)])
    commands, _, seconds = run_ledger(app, joins[max(0, length - 3) : max(0, length - 3) + probes])
    return seconds / commands * 1e6


def profile(ctx: Context, ledger: Ledger, raw: Application, shape: list, groups: int) -> None:
    console = ctx.console
    app = ledger.app
    db = ctx.target.database

    # 1. perf_counter splits over one full-size run.
    splits = Splits()
    steps = scripts("split", groups)
    with instrumented(app, splits):
        commands, _, total = run_ledger(app, steps)
    per = 1e6 / commands
    table = Table(title=f"{NAME} on {db}: where a command's time goes ({commands:,} commands, one run)")
    table.add_column("stage")
    table.add_column("µs/command", justify="right")
    table.add_column("share", justify="right")
    for stage, seconds in sorted(stages(splits, total).items(), key=lambda kv: -kv[1]):
        table.add_row(stage, f"{seconds * per:,.0f}", f"{seconds / total:.0%}")
    table.add_row("total (ledger command)", f"{total * per:,.0f}", "100%", style="bold")
    stored = raw_events(shape, groups)
    count, _, raw_seconds = run_raw(raw, stored)
    table.add_row("raw append of one event, same run (for scale)", f"{raw_seconds / count * 1e6:,.0f}", "")
    console.print(table)
    replayed = splits.calls["decode"] / commands
    check = protocol_check_us(app)
    console.print(
        f"  events replayed per command: {replayed:.1f}; eventsourcing's "
        f"`assert isinstance(event, CanMutateProtocol)` costs {check:.1f} µs per replayed event "
        f"(~{check * replayed:.0f} µs/command here; gone under `python -O`)"
    )

    # 2. cProfile, top 10 by cumulative and by own time.
    profiler = cProfile.Profile()
    steps = scripts("cprof", max(20, groups // 2))
    profiler.enable()
    run_ledger(app, steps)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(10)
        lines = out.getvalue().strip().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        console.print(f"[bold]cProfile on {db}, top 10 by {order}[/bold] ({len(steps):,} commands)")
        console.print("\n".join(lines[start:]), markup=False, highlight=False, soft_wrap=True)

    # 3. What-ifs (bench-only subclasses and env; nothing changed in product code),
    #    interleaved block by block like the main measurement.
    groups = max(2 * BLOCK_GROUPS, groups // 2)
    blocks = -(-groups // BLOCK_GROUPS)
    env = ctx.target.event_store_env()
    uncached = LedgerApplication(env=env, clock=system_clock, cache_size=0)
    no_snapshots = NoSnapshots(env=env, clock=system_clock, cache_size=0)
    plain = PlainBaseline(env=env)
    ledgers = {
        "ledger as is (command cache: no read)": app,
        "ledger, command cache off (reads its group)": uncached,
        "ledger, cache off, without snapshots (1 read less)": no_snapshots,
    }
    what_ifs: dict[str, Samples] = defaultdict(Samples)
    try:
        run_plain(plain, "warm", 0, max(10, groups // 10))
        for rep in range(min(3, ctx.repetitions)):
            inputs = {name: scripts(f"w{index}r{rep}", groups) for index, name in enumerate(ledgers)}
            stored = raw_events(shape, groups)
            paths: dict[str, Callable[[int], tuple[int, int, float]]] = {
                name: (lambda i, a=a, steps=inputs[name]: run_ledger(a, block(steps, i)))
                for name, a in ledgers.items()
            }
            paths["plain es Aggregate: get + change + save, no ledger"] = lambda i, rep=rep: run_plain(
                plain, f"p{rep}", i * BLOCK_GROUPS, min(BLOCK_GROUPS, groups - i * BLOCK_GROUPS)
            )
            paths["es Application.save of an in-memory plain Aggregate"] = lambda i, rep=rep: run_plain_append(
                plain, f"a{rep}", i * BLOCK_GROUPS, min(BLOCK_GROUPS, groups - i * BLOCK_GROUPS)
            )
            paths["recorder insert of the same bytes (storage floor)"] = lambda i: run_raw(raw, block(stored, i))
            for name, totals in interleaved(paths, blocks).items():
                what_ifs[name].add(totals.events, totals.seconds)
        long = {
            length: (long_group_cost(app, f"long{length}", length, 30),
                     long_group_cost(uncached, f"longu{length}", length, 30),
                     long_group_cost(no_snapshots, f"longn{length}", length, 30))
            for length in (5, 100, 300)
        }  # fmt: skip
    finally:
        for extra in (plain, no_snapshots, uncached):
            extra.close()
    baseline = what_ifs["recorder insert of the same bytes (storage floor)"].median
    table = Table(title=f"{NAME} on {db}: what-ifs ({groups} groups, events/s, median of {min(3, ctx.repetitions)})")
    table.add_column("variant")
    table.add_column("events/s", justify="right")
    table.add_column("vs storage floor", justify="right")
    for variant, samples in what_ifs.items():
        table.add_row(variant, f"{samples.median:,.0f}", f"{samples.median / baseline:.2f}")
    console.print(table)
    table = Table(title=f"{NAME} on {db}: one join on a group that already has N events (µs/command)")
    table.add_column("N events", justify="right")
    table.add_column("ledger as is", justify="right")
    table.add_column("cache off", justify="right")
    table.add_column("cache off, no snapshots", justify="right")
    for length, costs in long.items():
        table.add_row(str(length), *(f"{cost:,.0f}" for cost in costs))
    console.print(table)
