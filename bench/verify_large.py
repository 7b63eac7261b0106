"""A large ledger verified end to end: ``oar-ledger verify --no-kafka`` as a user runs it.

Goal: 1M events verified in under 60 s with under 300 MB of memory. Run only when
``OAR_BENCH_VERIFY_EVENTS`` is set (e.g. 1000000: filling and checkpointing take a few
minutes): the ledger is filled with re-sealed clones of the demo year and checkpointed,
then the console command runs in a child process; its wall time and peak resident set
size (``os.wait4``'s ``ru_maxrss`` of that child alone) are reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.filling import Filler, bench_clock
from bench.harness import Context, Result, stopwatch
from bootstrap import build_ledger, checkpoint_now
from infra.evidence.keys import generate_key
from infra.evidence.signing import key_name, signing_key_path

NAME = "verify-large"
ENV_EVENTS = "OAR_BENCH_VERIFY_EVENTS"
SECONDS_GOAL, MEMORY_GOAL_MB = 60, 300


def run(ctx: Context) -> list[Result]:
    wanted = os.environ.get(ENV_EVENTS)
    if not wanted:
        ctx.log(f"{NAME}: not run (set {ENV_EVENTS}=1000000 to verify a 1M-event ledger end to end)")
        return []
    settings = ctx.target.settings.model_copy(update={"signing_key_path": ctx.target.settings.var_dir / "k.pem"})
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    generate_key(signing_key_path(settings), key_name(settings))
    clock = bench_clock()
    ledger = build_ledger(settings, clock)
    try:
        with stopwatch() as elapsed:
            total = Filler(ledger, clock).fill(int(wanted.replace("_", "")))
        ctx.log(f"{NAME}: {total:,} events stored in {elapsed():.0f} s")
        with stopwatch() as elapsed:
            checkpoint_now(ledger)
        ctx.log(f"{NAME}: Merkle leaves recorded and a checkpoint signed in {elapsed():.0f} s")
    finally:
        ledger.close()
    seconds, peak_mb, code, tail = verify_child(settings)
    if code != 0:
        raise AssertionError(f"verify exited {code}: {tail}")
    met = seconds < SECONDS_GOAL and peak_mb < MEMORY_GOAL_MB
    ctx.log(f"{NAME}: `oar-ledger verify --no-kafka` over {total:,} events: {seconds:.1f} s, peak RSS "
            f"{peak_mb:,.0f} MB (goal < {SECONDS_GOAL} s and < {MEMORY_GOAL_MB} MB: {'met' if met else 'NOT met'})")
    return [
        Result(
            benchmark=NAME, database=ctx.target.database,
            measured={"events/s": total / seconds, "s": seconds, "MB peak RSS": peak_mb}, compared="s",
            baseline_label=f"s goal (and < {MEMORY_GOAL_MB} MB)", baseline=SECONDS_GOAL, goal=None,
            detail=(f"{total:,} events, `oar-ledger verify --no-kafka` in a child process: {seconds:.1f} s, "
                    f"peak RSS {peak_mb:,.0f} MB; goal < {SECONDS_GOAL} s, < {MEMORY_GOAL_MB} MB: "
                    f"{'met' if met else 'NOT met'}; ratio = seconds / goal"),
        )  # fmt: skip
    ]


def verify_child(settings) -> tuple[float, float, int, str]:
    """Run the console command on these settings; (seconds, peak RSS MB, exit code, output tail)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OAR_") and k != "KAFKA_BOOTSTRAP_SERVERS"}
    env |= {"OAR_VAR_DIR": str(settings.var_dir), "OAR_SIGNING_KEY_PATH": str(settings.signing_key_path),
            "OAR_CREATE_TABLES": "false"}  # fmt: skip
    if settings.uses_postgres:
        env |= {"OAR_DATABASE_URL": settings.database_url, "OAR_DATABASE_SCHEMA": settings.database_schema or ""}
    command = [str(Path(sys.executable).with_name("oar-ledger")), "verify", "--no-kafka"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), output[-2000:]
