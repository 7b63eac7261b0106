"""What every benchmark module shares: the database it runs on, its context, its result.

A benchmark is a function ``run(ctx: Context) -> list[Result]``. It measures the
project's path and a raw baseline **in the same run, on the same database** (the
``Target`` it is given: a fresh SQLite directory or a fresh PostgreSQL schema), and
returns rates, never verdicts that fail a build: the ratio to the baseline is
reported against the issue's goal.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from sqlalchemy import create_engine, text

from bootstrap import event_store_env
from infra.db import sqlalchemy_url
from infra.settings import Settings

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
REPETITIONS = 3
"""Measured repetitions per benchmark; the median is reported, the warm-up is not counted."""


def postgres_url() -> str:
    return os.environ.get("OAR_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@dataclass(frozen=True)
class Target:
    """One database a benchmark runs on: the ledger's settings and the raw store's env."""

    database: str  # "sqlite" | "postgres"
    settings: Settings

    def event_store_env(self) -> dict[str, str]:
        """eventsourcing env for a raw baseline application on the same database."""
        return event_store_env(self.settings)

    def describe(self) -> str:
        if self.database == "sqlite":
            return f"SQLite file {self.settings.sqlite_path}"
        return f"PostgreSQL {self.settings.database_url} schema {self.settings.database_schema}"


@contextmanager
def sqlite_target() -> Iterator[Target]:
    """A fresh SQLite database in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="oar-bench-") as directory:
        settings = Settings(var_dir=Path(directory) / "var", _env_file=None)
        settings.var_dir.mkdir(parents=True)
        yield Target("sqlite", settings)


class TargetUnavailable(Exception):
    """The database to benchmark on cannot be reached (reported without a traceback)."""


@contextmanager
def postgres_target(url: str | None = None) -> Iterator[Target]:
    """A fresh PostgreSQL schema, dropped afterwards (even if the benchmark crashed)."""
    url = url or postgres_url()
    schema = f"oar_bench_{uuid.uuid4().hex[:12]}"
    engine = create_engine(sqlalchemy_url(url))
    try:
        try:
            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise TargetUnavailable(
                f"PostgreSQL at {url} is unavailable ({reason}); "
                "set OAR_BENCH_POSTGRES_URL or use --database sqlite"
            ) from None
        try:
            yield Target("postgres", Settings(database_url=url, database_schema=schema, _env_file=None))
        finally:
            with engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


TARGETS: dict[str, Callable[[], AbstractContextManager[Target]]] = {
    "sqlite": sqlite_target,
    "postgres": postgres_target,
}


@dataclass
class Context:
    """What a benchmark is given: where to run, how big, whether to profile, where to print."""

    target: Target
    quick: bool = False
    profile: bool = False
    repetitions: int = REPETITIONS
    console: Console = field(default_factory=Console)

    def log(self, message: str) -> None:
        self.console.print(f"  [dim]{self.target.database:<8}[/dim] {message}")


@dataclass(frozen=True)
class Result:
    """One line of the final table: measured rates, the raw baseline, their ratio."""

    benchmark: str
    database: str
    measured: dict[str, float]
    """Rates of the project's path, e.g. ``{"commands/s": ..., "events/s": ...}``."""
    compared: str
    """Which key of ``measured`` is compared with the baseline (same unit)."""
    baseline_label: str
    baseline: float
    goal: float | None = None
    """The issue's goal for ``measured[compared] / baseline`` (None: report only)."""
    detail: str = ""
    paired_ratios: tuple[float, ...] = ()
    """Per-repetition ratios of the two paths run interleaved; their median is the ratio
    (more robust than a ratio of medians taken from different repetitions)."""

    @property
    def ratio(self) -> float:
        if self.paired_ratios:
            return statistics.median(self.paired_ratios)
        return self.measured[self.compared] / self.baseline if self.baseline else float("nan")

    @property
    def meets_goal(self) -> bool | None:
        return None if self.goal is None else self.ratio >= self.goal


@dataclass
class Samples:
    """Rates of repeated runs; the median is the reported figure."""

    rates: list[float] = field(default_factory=list)

    def add(self, count: int, seconds: float) -> float:
        rate = count / seconds
        self.rates.append(rate)
        return rate

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    def spread(self) -> str:
        return f"{min(self.rates):,.0f}-{max(self.rates):,.0f}"


Measure = Callable[[int], tuple[int, int, float]]
"""Runs block ``i`` of one path; returns (operations, events, seconds)."""


@dataclass
class Totals:
    operations: int = 0
    events: int = 0
    seconds: float = 0.0


def interleaved(paths: dict[str, Measure], blocks: int) -> dict[str, Totals]:
    """Run every path block by block, rotating which path goes first, so that all of
    them sample the same moments of a shared, noisy machine (fsync latency, other
    processes); return each path's totals."""
    totals = {name: Totals() for name in paths}
    names = list(paths)
    for block in range(blocks):
        shift = block % len(names)
        for name in names[shift:] + names[:shift]:
            operations, events, seconds = paths[name](block)
            totals[name].operations += operations
            totals[name].events += events
            totals[name].seconds += seconds
    return totals


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """``with stopwatch() as elapsed: ...`` then ``elapsed()`` gives the seconds taken."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())
