"""``python -m bench.startup [--runs N]``: how long the CLI takes before it does anything.

Measured as whole processes, interleaved run by run, median of ``--runs`` each, against
two baselines in the same run on the same machine:

* ``oar-ledger --help`` against ``python -c "import typer"``, the CLI framework alone
  (goal: at most 1.5x);
* ``oar-ledger groups --json`` on a read-model database against a process that imports
  only the libraries that query needs: typer, pydantic-settings, SQLAlchemy and rich
  (goal: at most 1.5x).

Reports; never fails a build (exit 0 whatever the ratios).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PAIRS = {
    "help": ([str(BIN / "oar-ledger"), "--help"], [sys.executable, "-c", "import typer"]),
    "query": (
        [str(BIN / "oar-ledger"), "groups", "--json"],
        [sys.executable, "-c", "import typer, pydantic_settings, sqlalchemy, rich.console, rich.table"],
    ),
}
GOAL = 1.5


def elapsed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def measure(runs: int, env: dict[str, str]) -> dict[str, tuple[list[float], list[float]]]:
    """Interleaved: each run times every command and its baseline back to back, so a
    busy moment on the machine slows both sides alike."""
    times = {name: ([], []) for name in PAIRS}
    for _ in range(runs):
        for name, (ours, baseline) in PAIRS.items():
            times[name][0].append(elapsed(ours, env))
            times[name][1].append(elapsed(baseline, env))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "OAR_VAR_DIR": var}
        env.pop("OAR_DATABASE_URL", None)
        env.pop("OAR_PROJECTION_DATABASE_URL", None)
        elapsed(PAIRS["query"][0], env)  # creates the read-model tables once, outside the timing
        bare = statistics.median(elapsed([sys.executable, "-c", "pass"], env) for _ in range(5))
        times = measure(max(1, args.runs), env)
    print(f"CLI start-up, median of {args.runs} interleaved runs (bare Python: {bare * 1000:.0f} ms)")
    print(f"{'command':<28}{'ours':>10}{'baseline':>12}{'ratio':>8}  goal")
    for name, (ours, baseline) in times.items():
        mine, base = statistics.median(ours), statistics.median(baseline)
        ratio = mine / base
        verdict = "meets goal" if ratio <= GOAL else "above goal"
        label = " ".join(PAIRS[name][0][1:])
        print(f"{label:<28}{mine * 1000:>8.0f}ms{base * 1000:>10.0f}ms{ratio:>8.2f}  <= {GOAL} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
