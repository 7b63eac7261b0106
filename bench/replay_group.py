"""The projector as N processes in one consumer group, each owning some partitions.

For each N in ``PROCESSES``: N child processes each build the projector with a consumer
group (a fresh group id per run) on fresh read models of their own database (a new
SQLite file, or a new PostgreSQL schema), report ready, and start together; the clock
runs from the start signal until the read models' stored offsets cover every message
of the topic (group joins and rebalances included). Then the read models are compared
with those of one projector process (``projections.compare``): they must be identical.
Scaling is reported, not judged: it needs the cores (and, on SQLite, a database that
takes concurrent writers, which SQLite serialises).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

from bench.harness import Context, Result, stopwatch
from bench.replay import run_projector
from bootstrap import build_projection_engine, build_projector
from infra.db import sqlalchemy_url
from infra.settings import Settings
from projections.compare import compare
from projections.writer import stored_offsets

NAME = "replay group"
PROCESSES = (1, 2, 3)
START_TIMEOUT, RUN_TIMEOUT = 120.0, 900.0


def group_scaling(ctx: Context, settings: Settings, engine: Engine, bootstrap: str, total: int) -> Result:
    with engine.connect() as connection:  # the reference: one process, no group (the rate's last run)
        complete = sum(stored_offsets(connection, settings.ledger_topic).values()) == total
    if not complete:
        run_projector(settings, engine, bootstrap, total)
    rates: dict[int, float] = {}
    for processes in PROCESSES:
        member = member_settings(settings, processes)
        member_engine = build_projection_engine(member)
        try:
            seconds = run_group(member, member_engine, bootstrap, total, processes)
            differences = compare(engine, member_engine)
        finally:
            member_engine.dispose()
            drop_member_schema(member)
        if differences:
            raise AssertionError(f"{processes} processes built other read models: {differences[:3]}")
        rates[processes] = total / seconds
        ctx.log(f"{NAME}: {processes} process(es) in one consumer group: {rates[processes]:,.0f} events/s "
                f"({seconds:.1f} s), read models identical to one process")  # fmt: skip
    scaling = ", ".join(f"{n}: {rate / rates[1]:.2f}x" for n, rate in rates.items())
    return Result(
        benchmark=NAME, database=ctx.target.database,
        measured={f"events/s with {n} processes": rate for n, rate in rates.items()},
        compared=f"events/s with {PROCESSES[-1]} processes", baseline_label="events/s with 1 process",
        baseline=rates[1], goal=None,
        detail=(f"{total:,} events, one consumer group, N processes on {os.cpu_count()} cores (load: "
                f"{os.getloadavg()[0]:.1f}); speed-up {scaling}; read models identical to one process"),
    )  # fmt: skip


def member_settings(settings: Settings, processes: int) -> Settings:
    """Fresh read models for this run: a new SQLite file, or a new PostgreSQL schema."""
    label = f"group{processes}_{uuid.uuid4().hex[:6]}"
    update: dict[str, Any] = {"projector_group_id": f"bench-{label}"}
    if settings.uses_postgres:
        schema = f"{settings.database_schema}_{label}"
        with create_engine(sqlalchemy_url(settings.database_url)).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        update["database_schema"] = schema
    else:
        update["projection_database_url"] = f"sqlite:///{settings.var_dir / f'{label}.sqlite'}"
    return settings.model_copy(update=update)


def drop_member_schema(settings: Settings) -> None:
    if settings.uses_postgres:
        engine = create_engine(sqlalchemy_url(settings.database_url))
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{settings.database_schema}" CASCADE'))
        engine.dispose()


def run_group(settings: Settings, engine: Engine, bootstrap: str, total: int, processes: int) -> float:
    spec = json.dumps({
        "settings": settings.model_dump(mode="json", exclude={"kafka_bootstrap_servers", "kafka_sasl_password"}),
        "bootstrap": bootstrap,
    })  # fmt: skip
    root = Path(__file__).resolve().parents[1]
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-c", "from bench.replay_group import _member; _member()", spec]
    children = [subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True) for _ in range(processes)]  # fmt: skip
    try:
        for child in children:
            if child.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a projector process did not start (exit {child.poll()})")
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        with stopwatch() as elapsed:
            wait_until_applied(engine, settings.ledger_topic, total, children)
        seconds = elapsed()
        for child in children:
            child.stdin.close()  # stop
        applied = sum(json.loads(child.stdout.readline())["applied"] for child in children)
        if applied != total:
            raise AssertionError(f"{processes} processes applied {applied} events, the topic holds {total}")
        return seconds
    finally:
        for child in children:
            if child.poll() is None:
                try:
                    child.wait(30)
                except subprocess.TimeoutExpired:
                    child.kill()


def wait_until_applied(engine: Engine, topic: str, total: int, children: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if sum(stored_offsets(connection, topic).values()) >= total:
                return
        if any(child.poll() is not None for child in children):
            raise RuntimeError("a projector process stopped before the topic was applied")
        time.sleep(0.02)
    raise TimeoutError(f"the group did not apply {total} events in {RUN_TIMEOUT:.0f} s")


def _member() -> None:
    """In a child: one projector of the group; starts on "go", stops when stdin closes."""
    spec = json.loads(sys.argv[1])
    settings = Settings(**spec["settings"], _env_file=None)
    engine = build_projection_engine(settings)
    projector = build_projector(settings, engine, spec["bootstrap"], use_group=True)
    print("ready", flush=True)
    sys.stdin.readline()
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    try:
        applied = projector.run(stop)
    finally:
        projector.close()
        engine.dispose()
    print(json.dumps({"applied": applied}), flush=True)
