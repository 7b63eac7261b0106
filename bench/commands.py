"""Command throughput of the ledger application vs a raw eventsourcing append.

Issue goal: the ledger's events/s is at least 0.8 of a raw eventsourcing append of
equivalent events, measured in the same run on the same database.

Ledger path: ``GROUPS`` groups, each given the same five commands through
``LedgerApplication`` (request, appoint a second manager, approve, two members
join): each command is validated by the policy pack, records one hash-chained
pydantic event and is saved in its own transaction. Commands are built before the
clock starts (input validation belongs to the caller), so the time is the
application's: find the group (the command cache: no read after the first
command), check the rules, seal the event, store it.

Baseline (the goal's): the same number of equivalent events appended with
eventsourcing and nothing else: a plain ``Aggregate`` kept in memory triggers an
event carrying what a ledger event carries (actor, role, clause, reason, two
64-hex hashes, the payload; 340-500 stored bytes against the ledger's 310-620) and
``Application.save`` maps and stores it, one transaction per event: no read, no
rules, no hash chain.

Second reference (reported): the storage floor, the *same stored bytes* as the
ledger's (topics and JSON states taken from a ledger group of the warm-up), one
``recorder.insert_events`` per event, bypassing eventsourcing's application,
aggregates and mapper. On SQLite even eventsourcing's own ``Application.save``
reaches only about half of it (runtime Protocol checks, the transcoder).

Tables: on PostgreSQL each path has tables of its own; SQLite's recorder keeps
every application of a file in one ``stored_events`` table, so there they share it.

All paths run ``REPETITIONS`` times after a warm-up; within a repetition they
alternate every ``BLOCK_GROUPS`` groups, so they see the same moments of a shared,
noisy machine (fsync latency varies a lot on the VM disk). Medians are reported.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any, ClassVar

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent
from rich.table import Table

import domain.events.base as event_base
from domain import commands as c
from domain.actors import Actor
from domain.aggregates.base import LedgerAggregate
from domain.aggregates.group import Group
from domain.events.base import LedgerEvent
from domain.ids import group_id
from domain.policy.base import PolicyPack
from bootstrap import Ledger, build_ledger
from infra.clock import system_clock
from service.ledger import LedgerApplication

from bench.harness import Context, Result, Samples, interleaved, stopwatch

NAME = "commands"
GOAL = 0.8
GROUPS = 600
QUICK_GROUPS = 150
BLOCK_GROUPS = 10
"""Ledger and raw paths alternate every this many groups (see ``interleaved``)."""
COMMANDS_PER_GROUP = 5

OAR = Actor(id="oar-1", role="oar")
FOUNDER = Actor(id="m-1001", role="member")
MANAGER = Actor(id="m-1001", role="manager")
JOINERS = (Actor(id="a-101", role="member"), Actor(id="a-102", role="member"))

Step = tuple[Callable[[LedgerApplication, Any], Any], c.GroupCommand]


def group_script(slug: str) -> list[Step]:
    """The five commands one group receives (one event each)."""
    app = LedgerApplication
    return [
        (app.request_group, c.RequestGroup(
            actor=FOUNDER, group=slug, name=f"Benchmark group {slug}", group_type="other",
            managed_by="alumni", visibility="public",
            objectives="Measure the command path of the audit ledger",
            proposed_managers=(FOUNDER.id,))),  # fmt: skip
        (app.appoint_manager, c.AppointManager(actor=MANAGER, group=slug, manager="m-1002")),
        (app.approve_group, c.ApproveGroup(actor=OAR, group=slug, reason="objectives clear, two managers")),
        *((app.join_group, c.JoinGroup(actor=joiner, group=slug)) for joiner in JOINERS),
    ]


def scripts(label: str, groups: int) -> list[Step]:
    steps: list[Step] = []
    for i in range(groups):
        steps += group_script(f"bench-{label}-{i:05d}")
    return steps


def block(items: list, index: int) -> list:
    """Block ``index`` of ``BLOCK_GROUPS`` groups' worth of steps or stored events."""
    size = BLOCK_GROUPS * COMMANDS_PER_GROUP
    return items[index * size : (index + 1) * size]


def run_ledger(app: LedgerApplication, steps: list[Step]) -> tuple[int, int, float]:
    """Run the commands (each must be accepted); return (commands, events, seconds)."""
    events = 0
    with stopwatch() as elapsed:
        for handler, command in steps:
            events += len(handler(app, command).events)
    if events != len(steps):
        raise AssertionError(f"expected {len(steps)} events, the ledger recorded {events}")
    return len(steps), events, elapsed()


# -- raw baseline ------------------------------------------------------------------


class RawBaseline(Application):
    """A plain eventsourcing application: its own tables, the same database."""

    name = "BenchRaw"


def event_shape(app: LedgerApplication, slug: str) -> list[tuple[str, bytes]]:
    """Topics and stored states of one ledger group: what the raw path appends."""
    return [(s.topic, s.state) for s in app.recorder.select_events(group_id(slug))]


def raw_events(shape: list[tuple[str, bytes]], groups: int) -> list[StoredEvent]:
    stored = []
    for _ in range(groups):
        originator = uuid.uuid4()
        for version, (topic, state) in enumerate(shape, start=1):
            stored.append(StoredEvent(originator, version, topic, state))
    return stored


def run_raw(raw: Application, stored: list[StoredEvent]) -> tuple[int, int, float]:
    """Append one event per transaction, like one command; return (appends, events, seconds)."""
    insert = raw.recorder.insert_events
    with stopwatch() as elapsed:
        for one in stored:
            insert([one])
    return len(stored), len(stored), elapsed()


# -- the benchmark -----------------------------------------------------------------


def run(ctx: Context) -> list[Result]:
    groups = QUICK_GROUPS if ctx.quick else GROUPS
    warmup = max(10, groups // 10)
    ledger = build_ledger(ctx.target.settings, system_clock)
    raw = RawBaseline(env=ctx.target.event_store_env())
    plain = PlainBaseline(env=ctx.target.event_store_env())
    try:
        app = ledger.app
        run_ledger(app, scripts("warm", warmup))
        shape = event_shape(app, "bench-warm-00000")
        assert len(shape) == COMMANDS_PER_GROUP, shape
        run_raw(raw, raw_events(shape, warmup))
        run_plain_append(plain, "warm", 0, warmup)

        commands, events, raw_rates, es_rates = Samples(), Samples(), Samples(), Samples()
        overheads: list[float] = []  # µs per event the ledger adds to a raw append
        blocks = -(-groups // BLOCK_GROUPS)
        for rep in range(1, ctx.repetitions + 1):
            steps, stored = scripts(f"r{rep}", groups), raw_events(shape, groups)
            totals = interleaved(
                {
                    "ledger": lambda i: run_ledger(app, block(steps, i)),
                    "raw": lambda i: run_raw(raw, block(stored, i)),
                    "es": lambda i, rep=rep: run_plain_append(
                        plain, f"r{rep}", i * BLOCK_GROUPS, min(BLOCK_GROUPS, groups - i * BLOCK_GROUPS)
                    ),
                },
                blocks,
            )
            ledger_run, raw_run = totals["ledger"], totals["raw"]
            rate = commands.add(ledger_run.operations, ledger_run.seconds)
            events.add(ledger_run.events, ledger_run.seconds)
            raw_rate = raw_rates.add(raw_run.events, raw_run.seconds)
            es_rate = es_rates.add(totals["es"].events, totals["es"].seconds)
            overheads.append(1e6 * (ledger_run.seconds / ledger_run.events - raw_run.seconds / raw_run.events))
            ctx.log(
                f"{NAME} rep {rep}/{ctx.repetitions}: ledger {rate:,.0f} commands/s, eventsourcing "
                f"append {es_rate:,.0f} events/s, ratio {events.rates[-1] / es_rate:.2f}; storage floor "
                f"{raw_rate:,.0f} events/s, ratio {events.rates[-1] / raw_rate:.2f}, ledger adds "
                f"{overheads[-1]:,.0f} µs/event ({ledger_run.operations:,} commands, "
                f"{raw_run.events:,} events, alternating every {BLOCK_GROUPS} groups)"
            )
        if ctx.profile:
            profile(ctx, ledger, raw, shape, groups)
    finally:
        plain.close()
        raw.close()
        ledger.close()

    versus_raw = [ledger_rate / raw_rate for ledger_rate, raw_rate in zip(events.rates, raw_rates.rates)]
    paired = [ledger_rate / es_rate for ledger_rate, es_rate in zip(events.rates, es_rates.rates)]
    return [
        Result(
            benchmark=NAME,
            database=ctx.target.database,
            measured={
                "commands/s": commands.median,
                "events/s": events.median,
            },
            compared="events/s",
            baseline_label="eventsourcing append events/s",
            baseline=es_rates.median,
            goal=GOAL,
            detail=(
                f"{groups} groups x {COMMANDS_PER_GROUP} commands, 1 event/transaction, "
                f"median of {ctx.repetitions} (ledger {commands.spread()}, eventsourcing append "
                f"{es_rates.spread()}; ratio = median of per-repetition ratios "
                f"{', '.join(f'{r:.2f}' for r in paired)}). Storage floor (recorder insert of the "
                f"same bytes): {raw_rates.median:,.0f} events/s, ledger/floor = "
                f"{statistics.median(versus_raw):.2f} ({', '.join(f'{r:.2f}' for r in versus_raw)}); "
                f"the ledger adds {statistics.median(overheads):,.0f} µs per event to it"
            ),
            paired_ratios=tuple(paired),
        )
    ]


# -- profile (--profile) -----------------------------------------------------------


class Splits:
    """Accumulated perf_counter time per timer, by wrapping the functions on the path."""

    @contextmanager
    def wrapping(self, patches: list[tuple[Any, str, str]]) -> Iterator[None]:
        """Wrap each ``(owner, attribute)`` with timer ``name`` for the duration."""
        saved = []
        for owner, attribute, timer in patches:
            original = getattr(owner, attribute)
            own = vars(owner).get(attribute)  # None: inherited or bound, delete to restore
            saved.append((owner, attribute, own))
            setattr(owner, attribute, self.wrap(timer, original))
        try:
            yield
        finally:
            for owner, attribute, own in reversed(saved):
                if own is not None:
                    setattr(owner, attribute, own)
                else:
                    delattr(owner, attribute)

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, timer: str, function: Callable) -> Callable:
        seconds, calls = self.seconds, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[timer] += perf_counter() - start
                calls[timer] += 1

        return timed


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
        "hash chain: hash_record + sha256": s["hash"],
        "mapper encode: pydantic -> JSON": s["encode"],
        "es save bookkeeping (record, notify, snapshot at v100)": s["save"] - s["encode"] - s["write"],
    }
    out["other: dispatch, clock, Receipt, timers"] = total - sum(out.values())
    return {name: max(0.0, seconds) for name, seconds in out.items()}


HASH = "0123456789abcdef" * 4
"""Stands for a SHA-256 hex digest: plain events carry two, like ledger events."""


class PlainGroup(Aggregate):
    """A plain eventsourcing aggregate whose events carry what a ledger event carries (actor,
    role, clause, reason, two hashes, the payload), without rules or a real hash chain."""

    @event("Requested")
    def __init__(self, slug: str, name: str, objectives: str, managers: list[str], actor_id: str,
                 actor_role: str, clause: str, previous_hash: str, event_hash: str) -> None:  # fmt: skip
        self.slug, self.name, self.objectives = slug, name, objectives
        self.managers, self.members = list(managers), []

    @event("MemberJoined")
    def join(self, member_id: str, actor_id: str, actor_role: str, clause: str, reason: str | None,
             previous_hash: str, event_hash: str) -> None:  # fmt: skip
        self.members.append(member_id)


def plain_group(label: str, i: int) -> PlainGroup:
    return PlainGroup(f"bench-{label}-{i:05d}", f"Benchmark group {label}-{i}",
                      "Measure the command path of the audit ledger", ["m-1001"], "m-1001",
                      "member", "CERN-AG §4", HASH, HASH)  # fmt: skip


def plain_join(group: PlainGroup, step: int) -> None:
    group.join(f"a-{step}", f"a-{step}", "member", "CERN-AG §9", None, HASH, HASH)


class PlainBaseline(Application):
    name = "BenchPlain"


def run_plain(app: PlainBaseline, label: str, start: int, groups: int,
              reload: bool = True) -> tuple[int, int, float]:  # fmt: skip
    """Without the ledger: create and save a plain aggregate, then four more events, each
    saved on its own (one transaction each); ``reload``: read it back (``repository.get``)
    before each one, else keep it in memory."""
    events = 0
    with stopwatch() as elapsed:
        for i in range(start, start + groups):
            group = plain_group(label, i)
            app.save(group)
            for step in range(COMMANDS_PER_GROUP - 1):
                if reload:
                    group = app.repository.get(group.id)
                plain_join(group, step)
                app.save(group)
            events += COMMANDS_PER_GROUP
    return events, events, elapsed()


def run_plain_append(app: PlainBaseline, label: str, start: int, groups: int) -> tuple[int, int, float]:
    """The goal's baseline: eventsourcing appending equivalent events, no read."""
    return run_plain(app, label, start, groups, reload=False)


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
    slug = steps[0][1].group
    run_ledger(app, steps[:3])  # request, appoint, approve
    joins = [(LedgerApplication.join_group, c.JoinGroup(actor=Actor(id=f"a-{i}", role="member"), group=slug))
             for i in range(length + probes)]  # fmt: skip
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
        for rep in range(ctx.repetitions):
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
    table = Table(title=f"{NAME} on {db}: what-ifs ({groups} groups, events/s, median of {ctx.repetitions})")
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
