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
        help=f"measured repetitions, median reported (default {REPETITIONS})",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Logs and CI have no terminal: give the table room instead of rich's 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=120)
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
            except TargetUnavailable as error:
                console.print(f"[red]{escape(str(error))}[/red]")
                failures.append((name, database, f"not run: {error}"))
            except Exception as error:  # a crash is reported, then the next benchmark runs
                console.print_exception(max_frames=8)
                first_line = (str(error).strip().splitlines() or [""])[0][:160]
                failures.append((name, database, f"crashed: {type(error).__name__}: {first_line}"))
    console.print(summary(results, failures, args))
    console.print(f"[dim]total {time.perf_counter() - started:.1f} s[/dim]")
    return 1 if failures else 0


def summary(results: list[Result], failures: list[tuple[str, str, str]], args: argparse.Namespace) -> Table:
    size = "quick" if args.quick else "full"
    repetitions = max(1, args.repetitions)
    table = Table(title=f"Benchmarks ({size} size, median of {repetitions}, same run, same database)")
    table.add_column("benchmark")
    table.add_column("database")
    table.add_column("measured", justify="right")
    table.add_column("raw baseline", justify="right")
    table.add_column("ratio", justify="right")
    table.add_column("goal", justify="right")
    table.add_column("verdict")
    verdict = {None: "report only", True: "[green]meets goal[/green]", False: "[yellow]below goal[/yellow]"}
    for r in results:
        measured = "\n".join(f"{rate:,.0f} {unit}" for unit, rate in r.measured.items())
        baseline = f"{r.baseline:,.0f} {r.baseline_label}"
        table.add_row(
            r.benchmark, r.database, measured, baseline,
            f"{r.ratio:.2f}", f"≥ {r.goal:.2f}" if r.goal is not None else "-", verdict[r.meets_goal],
        )  # fmt: skip
    for name, database, error in failures:
        table.add_row(name, database, f"[red]{escape(error)}[/red]", "", "", "", "[red]error[/red]")
    notes = [escape(f"{r.benchmark} on {r.database}: {r.detail}") for r in results if r.detail]
    table.caption = "\n".join(notes)
    table.caption_justify = "left"
    return table


if __name__ == "__main__":
    sys.exit(main())
