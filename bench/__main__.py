"""``python -m bench [--only NAME] [--quick] [--database sqlite|postgres|both] [--profile]``

Runs each registered benchmark on each selected database (a fresh SQLite directory,
a fresh PostgreSQL schema dropped afterwards), then prints one table: the measured
rates, the raw baseline measured in the same run on the same database, and the
ratio with the issue's goal. Exit 0 whatever the ratios (benchmarks report, they do
not fail builds); exit 1 if a benchmark crashed or its database was unreachable.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bench import BENCHMARKS
from bench.baselines import CHANGES
from bench.rules import RuleBroken, require_c_crc
from bench.harness import REPETITIONS, TARGETS, Context, Result, TargetUnavailable, postgres_url

DATABASES = {"sqlite": ("sqlite",), "postgres": ("postgres",), "both": ("sqlite", "postgres")}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    names = [name for name, _ in BENCHMARKS]
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Ledger benchmarks, each against a raw baseline measured in the same run.",
        epilog=f"PostgreSQL: {postgres_url()} (override with OAR_BENCH_POSTGRES_URL).",
    )
    parser.add_argument(
        "--only", action="append", choices=names, metavar="NAME",
        help=f"run only this benchmark (repeatable); one of: {', '.join(names)}",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="a smaller size, for a fast look")
    parser.add_argument(
        "--database", choices=tuple(DATABASES), default="both", help="where to run (default: both)"
    )
    parser.add_argument(
        "--profile", action="store_true",
        help="also print where the time goes (perf_counter splits, cProfile top 10, what-ifs)",
    )  # fmt: skip
    parser.add_argument(
        "--repetitions", type=int, default=REPETITIONS, metavar="N",
        help=f"interleaved pairs, median ratio reported (default {REPETITIONS}; fewer is not a result)",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Logs and CI have no terminal: give the table room instead of rich's 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=120)
    try:
        console.print(f"[dim]{require_c_crc()}[/dim]")
    except RuleBroken as refused:  # no ratio is reported against a handicapped client
        console.print(f"[red]{escape(str(refused))}[/red]")
        return 1
    selected = [(name, run) for name, run in BENCHMARKS if not args.only or name in args.only]
    results: list[Result] = []
    failures: list[tuple[str, str, str]] = []
    started = time.perf_counter()
    for database in DATABASES[args.database]:
        for name, run in selected:
            console.rule(f"[bold]{name}[/bold] on {database}")
            try:
                with TARGETS[database]() as target:
                    ctx = Context(
                        target, quick=args.quick, profile=args.profile,
                        repetitions=max(1, args.repetitions), console=console,
                    )  # fmt: skip
                    ctx.log(target.describe())
                    t0 = time.perf_counter()
                    results += run(ctx)
                    ctx.log(f"{name} took {time.perf_counter() - t0:.1f} s")
            except (TargetUnavailable, RuleBroken) as error:
                console.print(f"[red]{escape(str(error))}[/red]")
                failures.append((name, database, f"not run: {error}"))
            except Exception as error:  # a crash is reported, then the next benchmark runs
                console.print_exception(max_frames=8)
                first_line = (str(error).strip().splitlines() or [""])[0][:160]
                failures.append((name, database, f"crashed: {type(error).__name__}: {first_line}"))
    console.print(summary(results, failures, args))
    console.print(baseline_changes({name for name, _ in selected}))
    console.print(f"[dim]total {time.perf_counter() - started:.1f} s[/dim]")
    return 1 if failures else 0


def summary(results: list[Result], failures: list[tuple[str, str, str]], args: argparse.Namespace) -> Table:
    size = "quick" if args.quick else "full"
    repetitions = max(1, args.repetitions)
    title = f"Benchmarks ({size} size, median of {repetitions} interleaved pairs, same run, same database)"
    table = Table(title=title)
    table.add_column("benchmark")
    table.add_column("database")
    table.add_column("measured", justify="right")
    table.add_column("raw baseline", justify="right")
    table.add_column("ratio", justify="right")
    table.add_column("spread", justify="right")
    table.add_column("goal", justify="right")
    table.add_column("verdict")
    verdict = {None: "report only", True: "[green]meets goal[/green]", False: "[yellow]below goal[/yellow]"}
    for r in results:
        measured = "\n".join(f"{rate:,.0f} {unit}" for unit, rate in r.measured.items())
        baseline = f"{r.baseline:,.0f} {r.baseline_label}"
        spread = "-" if r.spread is None else f"{r.spread:.2f}" + (" [yellow]noisy[/yellow]" if r.noisy else "")
        judged = verdict[r.meets_goal]
        if r.broken_rules:
            judged = f"[red]not a result[/red]: {escape('; '.join(r.broken_rules))}"
        table.add_row(
            r.benchmark, r.database, measured, baseline, f"{r.ratio:.2f}", spread,
            f"≥ {r.goal:.2f}" if r.goal is not None else "-", judged,
        )  # fmt: skip
    for name, database, error in failures:
        table.add_row(name, database, f"[red]{escape(error)}[/red]", "", "", "", "", "[red]error[/red]")
    notes = [escape(f"{r.benchmark} on {r.database}: {r.detail}") for r in results if r.detail]
    notes += [escape(f"{r.benchmark} on {r.database}: {r.pairs.describe()}") for r in results if r.spread is not None]
    table.caption = "\n".join(notes)
    table.caption_justify = "left"
    return table


def baseline_changes(names: set[str]) -> Table:
    table = Table(title="Baseline changes (bench/baselines.py): reason, and the figures before")
    for column in ("benchmark", "baseline now", "replaced", "why", "figures before"):
        table.add_column(column)
    for change in CHANGES:
        if change.benchmark in names:
            table.add_row(change.benchmark, change.baseline, change.replaced, change.reason, change.before)
    return table


if __name__ == "__main__":
    sys.exit(main())
