"""Command throughput of the ledger application vs a raw eventsourcing append.

Issue goal: the ledger's events/s is at least 0.8 of a raw append of equivalent
events, measured in the same run on the same database.

Ledger path: ``GROUPS`` groups, each given the same five commands through
``LedgerApplication`` (request, appoint a second manager, approve, two members
join): each command is validated by the policy pack, records one hash-chained
pydantic event and is saved in its own transaction. Commands are built before the
clock starts (input validation belongs to the caller), so the time is the
application's: load the group, check the rules, seal the event, store it.

Raw baseline: the same number of events with the *same stored bytes* (topics and
JSON states taken from a ledger group of the warm-up), the same shape (five
aggregates' worth of versions 1..5), one ``recorder.insert_events`` per event, i.e.
one transaction per event, on the same database, in tables of its own.

Both paths run ``REPETITIONS`` times after a warm-up, alternating which goes first;
the median is reported.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent
from rich.table import Table

import domain.events.base as event_base
from domain import commands as c
from domain.actors import Actor
from domain.events.base import LedgerEvent
from domain.ids import group_id
from domain.policy.base import PolicyPack
from infra.bootstrap import Ledger, build_ledger
from infra.clock import system_clock
from infra.store.application import LedgerApplication

from bench.harness import Context, Result, Samples, stopwatch

NAME = "commands"
GOAL = 0.8
GROUPS = 600
QUICK_GROUPS = 150
COMMANDS_PER_GROUP = 5

OAR = Actor(id="oar-officer-1", role="oar")
FOUNDER = Actor(id="m-founder", role="member")
MANAGER = Actor(id="m-founder", role="manager")
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
        (app.appoint_manager, c.AppointManager(actor=MANAGER, group=slug, manager="m-second")),
        (app.approve_group, c.ApproveGroup(actor=OAR, group=slug, reason="objectives clear, two managers")),
        *((app.join_group, c.JoinGroup(actor=joiner, group=slug)) for joiner in JOINERS),
    ]


def scripts(label: str, groups: int) -> list[Step]:
    steps: list[Step] = []
    for i in range(groups):
        steps += group_script(f"bench-{label}-{i:05d}")
    return steps


def run_ledger(app: LedgerApplication, steps: list[Step]) -> tuple[int, float]:
    """Run the commands; return (events recorded, seconds)."""
    events = 0
    with stopwatch() as elapsed:
        for handler, command in steps:
            events += len(handler(app, command).events)
    if events != len(steps):
        raise AssertionError(f"expected {len(steps)} events, the ledger recorded {events}")
    return events, elapsed()


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


def run_raw(raw: Application, stored: list[StoredEvent]) -> tuple[int, float]:
    insert = raw.recorder.insert_events
    with stopwatch() as elapsed:
        for one in stored:
            insert([one])  # one event per transaction, like one command
    return len(stored), elapsed()


# -- the benchmark -----------------------------------------------------------------


def run(ctx: Context) -> list[Result]:
    groups = QUICK_GROUPS if ctx.quick else GROUPS
    warmup = max(10, groups // 10)
    ledger = build_ledger(ctx.target.settings, system_clock)
    raw = RawBaseline(env=ctx.target.event_store_env())
    try:
        app = ledger.app
        run_ledger(app, scripts("warm", warmup))
        shape = event_shape(app, "bench-warm-00000")
        assert len(shape) == COMMANDS_PER_GROUP, shape
        run_raw(raw, raw_events(shape, warmup))

        commands, raw_rates = Samples(), Samples()
        for rep in range(1, ctx.repetitions + 1):
            steps, stored = scripts(f"r{rep}", groups), raw_events(shape, groups)
            order = ("ledger", "raw") if rep % 2 else ("raw", "ledger")
            for path in order:
                if path == "ledger":
                    rate = commands.add(*run_ledger(app, steps))
                else:
                    raw_rate = raw_rates.add(*run_raw(raw, stored))
            ctx.log(
                f"{NAME} rep {rep}/{ctx.repetitions}: ledger {rate:,.0f} commands/s, "
                f"raw append {raw_rate:,.0f} events/s ({len(steps):,} commands, {len(stored):,} events)"
            )
        if ctx.profile:
            profile(ctx, ledger, raw, shape, groups)
    finally:
        raw.close()
        ledger.close()

    events_per_command = 1.0  # every command of the script records exactly one event
    return [
        Result(
            benchmark=NAME,
            database=ctx.target.database,
            measured={
                "commands/s": commands.median,
                "events/s": commands.median * events_per_command,
            },
            compared="events/s",
            baseline_label="raw append events/s",
            baseline=raw_rates.median,
            goal=GOAL,
            detail=(
                f"{groups} groups x {COMMANDS_PER_GROUP} commands, 1 event/transaction, "
                f"median of {ctx.repetitions} (ledger {commands.spread()}, raw {raw_rates.spread()})"
            ),
        )
    ]


# -- profile (--profile) -----------------------------------------------------------


class Splits:
    """Accumulated perf_counter time per bucket, by wrapping the functions on the path."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, bucket: str, function: Callable) -> Callable:
        from time import perf_counter

        seconds, calls = self.seconds, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[bucket] += perf_counter() - start
                calls[bucket] += 1

        return timed


@contextmanager
def instrumented(app: LedgerApplication, splits: Splits) -> Iterator[None]:
    """Time the stages of the ledger path (instance and class attributes, restored after)."""
    patches: list[tuple[Any, str, Any]] = [
        (app.recorder, "select_events", "store read (existence check + load)"),
        (app.recorder, "insert_events", "store write (insert + commit)"),
        (app.mapper, "to_domain_event", "mapper: stored -> pydantic (validate)"),
        (app.mapper, "to_stored_event", "mapper: pydantic -> stored (dump + json)"),
        (app.repository, "get", "_load"),
        (PolicyPack, "enforce", "rule checks (policy pack)"),
        (LedgerEvent, "hash_record", "hash chain (record + sha256)"),
        (event_base, "record_hash", "hash chain (record + sha256)"),
    ]
    saved = []
    for owner, attribute, bucket in patches:
        original = getattr(owner, attribute)
        had_own = attribute in vars(owner)
        saved.append((owner, attribute, original if had_own else None, had_own))
        setattr(owner, attribute, splits.wrap(bucket, original))
    try:
        yield
    finally:
        for owner, attribute, original, had_own in reversed(saved):
            if had_own:
                setattr(owner, attribute, original)
            else:
                delattr(owner, attribute)


class PlainGroup(Aggregate):
    """A plain eventsourcing aggregate with a payload like a group's (what-if reference)."""

    @event("Requested")
    def __init__(self, slug: str, name: str, objectives: str, managers: list[str], note: str) -> None:
        self.slug, self.name, self.objectives = slug, name, objectives
        self.managers, self.note, self.members = list(managers), note, []

    @event("Changed")
    def change(self, actor_id: str, clause: str, reason: str | None, member: str, note: str) -> None:
        self.members.append(member)


class PlainBaseline(Application):
    name = "BenchPlain"


def run_plain(app: PlainBaseline, label: str, groups: int) -> tuple[int, float]:
    """Read-modify-write without the ledger: create, then get + change + save four times."""
    note = "x" * 200  # hashes and common ledger fields take about this much per event
    events = 0
    with stopwatch() as elapsed:
        for i in range(groups):
            group = PlainGroup(f"bench-{label}-{i:05d}", "Benchmark group", "Measure it", ["m-a"], note)
            app.save(group)
            for step in range(COMMANDS_PER_GROUP - 1):
                group = app.repository.get(group.id)
                group.change("m-a", "CERN-AG §7", None, f"a-{step}", note)
                app.save(group)
            events += COMMANDS_PER_GROUP
    return events, elapsed()


class NoExistenceCheck(LedgerApplication):
    """What-if: ``request_group`` without its pre-read (the deterministic id still
    refuses a duplicate, through the IntegrityError the save raises)."""

    def _exists(self, slug: str) -> bool:
        return False


def profile(ctx: Context, ledger: Ledger, raw: Application, shape: list, groups: int) -> None:
    console = ctx.console
    app = ledger.app
    db = ctx.target.database

    # 1. perf_counter splits over one full-size run.
    splits = Splits()
    steps = scripts("split", groups)
    with instrumented(app, splits):
        _, total = run_ledger(app, steps)
    per = 1e6 / len(steps)
    load = splits.seconds.pop("_load")
    splits.calls.pop("_load")
    read = splits.seconds["store read (existence check + load)"]
    decode = splits.seconds["mapper: stored -> pydantic (validate)"]
    splits.seconds["aggregate replay (mutators, protocol isinstance)"] = max(0.0, load - read - decode)
    rest = total - sum(splits.seconds.values())
    splits.seconds["other (event construction, es save bookkeeping)"] = max(0.0, rest)
    table = Table(title=f"{NAME} on {db}: where a command's time goes ({len(steps):,} commands, one run)")
    table.add_column("stage")
    table.add_column("µs/command", justify="right")
    table.add_column("share", justify="right")
    table.add_column("calls/command", justify="right")
    for bucket, seconds in sorted(splits.seconds.items(), key=lambda kv: -kv[1]):
        calls = splits.calls.get(bucket)
        table.add_row(
            bucket, f"{seconds * per:,.0f}", f"{seconds / total:.0%}",
            f"{calls / len(steps):.2f}" if calls else "",
        )  # fmt: skip
    table.add_row("total", f"{total * per:,.0f}", "100%", "", style="bold")
    console.print(table)

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
        console.print("\n".join(lines[start:]), markup=False, highlight=False)

    # 3. What-ifs, each the median of the repetitions, against the raw append again.
    groups = max(20, groups // 2)
    what_ifs: dict[str, Samples] = defaultdict(Samples)
    variants = {
        "ledger as is": lambda label: run_ledger(app, scripts(label, groups)),
        "ledger, no existence check in request_group": None,
        "ledger + aggregate cache (AGGREGATE_CACHE_MAXSIZE)": None,
        "plain es Aggregate: get + change + save": None,
        "raw append": lambda label: run_raw(raw, raw_events(shape, groups)),
    }
    env = ctx.target.event_store_env()
    no_check = NoExistenceCheck(env=env, clock=system_clock)
    cached = LedgerApplication(env=env | {"AGGREGATE_CACHE_MAXSIZE": "100000"}, clock=system_clock)
    plain = PlainBaseline(env=env)
    try:
        variants["ledger, no existence check in request_group"] = lambda label: run_ledger(
            no_check, scripts(label, groups)
        )
        variants["ledger + aggregate cache (AGGREGATE_CACHE_MAXSIZE)"] = lambda label: run_ledger(
            cached, scripts(label, groups)
        )
        variants["plain es Aggregate: get + change + save"] = lambda label: run_plain(plain, label, groups)
        run_plain(plain, "warm", max(10, groups // 10))
        for rep in range(ctx.repetitions):
            for index, (variant, measure) in enumerate(variants.items()):
                what_ifs[variant].add(*measure(f"w{index}r{rep}"))
    finally:
        plain.close()
        cached.close()
        no_check.close()
    baseline = what_ifs["raw append"].median
    table = Table(title=f"{NAME} on {db}: what-ifs (events/s, median of {ctx.repetitions}; nothing changed in product code)")
    table.add_column("variant")
    table.add_column("events/s", justify="right")
    table.add_column("vs raw append", justify="right")
    for variant, samples in what_ifs.items():
        table.add_row(variant, f"{samples.median:,.0f}", f"{samples.median / baseline:.2f}")
    console.print(table)
