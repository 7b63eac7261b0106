"""Replay memory: the projector's peak RSS replaying N and 2N events (flat = bounded).

Goal: under 300 MB for a 1M-event ledger. The projector runs in a child process (nothing
else in it) replaying the whole topic into empty read models; the child reports its
peak resident set size (``getrusage(RUSAGE_SELF).ru_maxrss``: Python heap, SQLite's
page cache, kafka-python's fetch buffers) and its RSS just before the projector was
built. Set ``OAR_BENCH_REPLAY_EVENTS=1000000`` to add that size (needs a few GB of RAM
for the memory-only broker, and 10-15 minutes).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import Engine

from bench.broker import delete_topic, fresh_topic, ledger_and_broker, relay_for
from bench.filling import Filler
from bench.harness import Context, Result, stopwatch
from bench.replay import reset_read_models
from bootstrap import Ledger, build_projection_engine, build_projector
from infra.settings import Settings

NAME = "replay memory"
EVENTS, QUICK_EVENTS = 20_000, 1_500
MEMORY_FACTORS = (1, 2)
MEMORY_GOAL_MB, MEMORY_GOAL_EVENTS = 300, 1_000_000
ENV_REPLAY_EVENTS = "OAR_BENCH_REPLAY_EVENTS"


def run(ctx: Context) -> list[Result]:
    settings = ctx.target.settings
    with ledger_and_broker(ctx) as (ledger, clock, broker):
        engine = build_projection_engine(settings)
        try:
            events = QUICK_EVENTS if ctx.quick else EVENTS
            return [replay_memory(ctx, ledger, Filler(ledger, clock), settings, engine, broker.bootstrap_servers,
                                  events)]  # fmt: skip
        finally:
            engine.dispose()


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
            ctx.log(f"{NAME}: {total:,} events replayed in a child process in {child['seconds']:.1f} s "
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
        benchmark=NAME,
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
        [sys.executable, "-c", "from bench.replay_memory import _memory_child; _memory_child()", json.dumps(spec)],
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


