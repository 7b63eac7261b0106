"""Command throughput of the ledger vs the storage floor: the recorder's insert of the same bytes.

Goal: the ledger's events/s is at least 0.8 of the floor, measured in the same run on the
same database: ``recorder.insert_events`` of exactly the bytes the ledger stores (topics
and JSON states of a ledger group recorded in the warm-up), one event per transaction,
like one command. None of the project's code runs on the floor's measured path.

Ledger path: groups given the same five commands (request, appoint a second manager,
approve, two members join) through ``LedgerApplication.execute``; each is checked by the
policy pack, records one hash-chained pydantic event and is saved in its own
transaction. Commands are built before the clock starts (input validation is the
caller's), so the time is the application's: find the group (the command cache: no
read after the first command), check the rules, seal the event, store it.

The former baseline, eventsourcing's ``Application.save`` of a plain aggregate carrying
the same fields (``bench.plain``), runs interleaved too and its ratio stays printed
(``bench/baselines.py`` says why it was replaced).

Size: calibrated so that the floor's part of every pair lasts at least 5 s (its rate is
measured in the warm-up). Within a pair the paths alternate every ``BLOCK_GROUPS`` groups,
so they see the same moments of a shared, noisy machine (fsync latency varies a lot).
"""

from __future__ import annotations

import statistics
import uuid

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from bench.harness import Context, Result, interleaved, stopwatch
from bench.plain import COMMANDS_PER_GROUP, PlainBaseline, run_plain_append
from bench.rules import MIN_RAW_SECONDS, Pairs
from bootstrap import build_ledger
from domain import commands as c
from domain.actors import Actor
from domain.ids import group_id
from infra.clock import system_clock
from service.ledger import LedgerApplication

NAME = "commands"
GOAL = 0.8
QUICK_GROUPS = 150
BLOCK_GROUPS = 10
"""The paths alternate every this many groups (see ``interleaved``)."""
SAFETY = 2.0
"""Calibration margin: the floor is sized for 2 x the minimum raw time (its rate swings with the machine's load)."""

OAR = Actor(id="oar-1", role="oar")
FOUNDER = Actor(id="m-1001", role="member")
MANAGER = Actor(id="m-1001", role="manager")
JOINERS = (Actor(id="a-101", role="member"), Actor(id="a-102", role="member"))


def group_script(slug: str) -> list[c.GroupCommand]:
    """The five commands one group receives (one event each)."""
    return [
        c.RequestGroup(actor=FOUNDER, group=slug, name=f"Benchmark group {slug}", group_type="other",
                       managed_by="alumni", visibility="public",
                       objectives="Measure the command path of the audit ledger",
                       proposed_managers=(FOUNDER.id,)),  # fmt: skip
        c.AppointManager(actor=MANAGER, group=slug, manager="m-1002"),
        c.ApproveGroup(actor=OAR, group=slug, reason="objectives clear, two managers"),
        *(c.JoinGroup(actor=joiner, group=slug) for joiner in JOINERS),
    ]


def scripts(label: str, groups: int) -> list[c.GroupCommand]:
    return [command for i in range(groups) for command in group_script(f"bench-{label}-{i:05d}")]


def block(items: list, index: int) -> list:
    """Block ``index`` of ``BLOCK_GROUPS`` groups' worth of commands or stored events."""
    size = BLOCK_GROUPS * COMMANDS_PER_GROUP
    return items[index * size : (index + 1) * size]


def run_ledger(app: LedgerApplication, commands: list[c.GroupCommand]) -> tuple[int, int, float]:
    """Run the commands (each must be accepted); return (commands, events, seconds)."""
    events, execute = 0, app.execute
    with stopwatch() as elapsed:
        for command in commands:
            events += len(execute(command).events)
    if events != len(commands):
        raise AssertionError(f"expected {len(commands)} events, the ledger recorded {events}")
    return len(commands), events, elapsed()


# -- the floor -----------------------------------------------------------------------


class RawBaseline(Application):
    """Only its recorder is used: the same database, tables of its own on PostgreSQL."""

    name = "BenchRaw"


def event_shape(app: LedgerApplication, slug: str) -> list[tuple[str, bytes]]:
    """Topics and stored states of one ledger group: the bytes the floor inserts."""
    return [(s.topic, s.state) for s in app.recorder.select_events(group_id(slug))]


def raw_events(shape: list[tuple[str, bytes]], groups: int) -> list[StoredEvent]:
    stored = []
    for _ in range(groups):
        originator = uuid.uuid4()
        for version, (topic, state) in enumerate(shape, start=1):
            stored.append(StoredEvent(originator, version, topic, state))
    return stored


def run_raw(raw: Application, stored: list[StoredEvent]) -> tuple[int, int, float]:
    """Insert one event per transaction, like one command; return (inserts, events, seconds)."""
    insert = raw.recorder.insert_events
    with stopwatch() as elapsed:
        for one in stored:
            insert([one])
    return len(stored), len(stored), elapsed()


def calibrated_groups(ctx: Context, raw: Application, shape: list[tuple[str, bytes]]) -> int:
    """Groups per pair so that the floor's inserts last >= MIN_RAW_SECONDS (warm-up rate)."""
    if ctx.quick:
        return QUICK_GROUPS
    count, _, seconds = run_raw(raw, raw_events(shape, 200))
    rate = count / seconds
    groups = int(MIN_RAW_SECONDS * SAFETY * rate / COMMANDS_PER_GROUP) + 1
    ctx.log(f"{NAME}: floor warm-up {rate:,.0f} events/s -> {groups:,} groups per pair")
    return -(-groups // BLOCK_GROUPS) * BLOCK_GROUPS


# -- the benchmark -----------------------------------------------------------------


def run(ctx: Context) -> list[Result]:
    ledger = build_ledger(ctx.target.settings, system_clock)
    raw = RawBaseline(env=ctx.target.event_store_env())
    plain = PlainBaseline(env=ctx.target.event_store_env())
    try:
        app = ledger.app
        run_ledger(app, scripts("warm", 20))
        shape = event_shape(app, "bench-warm-00000")
        assert len(shape) == COMMANDS_PER_GROUP, shape
        run_plain_append(plain, "warm", 0, 20)
        groups = calibrated_groups(ctx, raw, shape)
        floor, former = Pairs(), Pairs()
        for rep in range(1, ctx.repetitions + 1):
            commands, stored = scripts(f"r{rep}", groups), raw_events(shape, groups)
            totals = interleaved({
                "ledger": lambda i: run_ledger(app, block(commands, i)),
                "floor": lambda i: run_raw(raw, block(stored, i)),
                "es": lambda i, rep=rep: run_plain_append(
                    plain, f"r{rep}", i * BLOCK_GROUPS, min(BLOCK_GROUPS, groups - i * BLOCK_GROUPS)),
            }, -(-groups // BLOCK_GROUPS))  # fmt: skip
            ledger_run, floor_run, es_run = totals["ledger"], totals["floor"], totals["es"]
            pair = floor.add(ledger_run.events / ledger_run.seconds, floor_run.events, floor_run.seconds)
            old = former.add(pair.measured, es_run.events, es_run.seconds)
            ctx.log(f"{NAME} pair {rep}/{ctx.repetitions}: ledger {pair.measured:,.0f} events/s, floor "
                    f"{pair.baseline:,.0f} events/s ({floor_run.seconds:.1f} s), ratio {pair.ratio:.2f}; former "
                    f"baseline (Application.save) {old.baseline:,.0f} events/s, ratio {old.ratio:.2f}; ledger adds "
                    f"{(1 / pair.measured - 1 / pair.baseline) * 1e6:,.0f} µs/event")  # fmt: skip
        if ctx.profile or floor.ratio < GOAL:
            from bench.commands_profile import profile

            profile(ctx, ledger, raw, shape, min(groups, 600))
    finally:
        plain.close()
        raw.close()
        ledger.close()
    overhead = statistics.median((1 / p.measured - 1 / p.baseline) * 1e6 for p in floor.pairs)
    return [
        Result(
            benchmark=NAME, database=ctx.target.database,
            measured={"events/s": statistics.median(p.measured for p in floor.pairs)},
            compared="events/s", baseline_label="recorder insert events/s (floor)",
            baseline=statistics.median(p.baseline for p in floor.pairs), goal=GOAL,
            detail=(f"{groups:,} groups x {COMMANDS_PER_GROUP} commands per pair, 1 event/transaction; the ledger "
                    f"adds {overhead:,.0f} µs per event to the floor; former baseline (es Application.save, "
                    f"bench/baselines.py): ratios {', '.join(f'{r:.2f}' for r in former.ratios)}"),
            pairs=floor,
        )  # fmt: skip
    ]
