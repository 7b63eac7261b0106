"""Where verification's time goes (``--profile``, or below the goal): cProfile of one pass."""

from __future__ import annotations

import cProfile
import io
import pstats
from typing import Any

from bench.harness import Context
from bootstrap import Ledger
from service.evidence.verifier import VerifySources, verify_ledger


def profile_verify(ctx: Context, ledger: Ledger, key: Any, total: int, top: int = 18) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    verify_ledger(ledger, VerifySources(key=key, kafka=False))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    lines = out.getvalue().strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    ctx.console.print(f"[bold]cProfile of one verify pass on {ctx.target.database}, by own time[/bold] ({total:,} events)")
    ctx.console.print("\n".join(lines[start:]), markup=False, highlight=False, soft_wrap=True)
