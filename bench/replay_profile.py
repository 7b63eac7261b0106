"""Where a replay's time goes (``--profile``, or below the goal): cProfile of one replay."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from bench.harness import Context
from bench.replay import reset_read_models
from bootstrap import build_projector
from infra.settings import Settings


def profile_projector(ctx: Context, settings: Settings, engine: Engine, bootstrap: str, total: int) -> None:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    reset_read_models(engine)
    projector = build_projector(settings, engine, bootstrap, use_group=False)
    try:
        profiler.enable()
        projector.run(threading.Event(), once=True)
        profiler.disable()
    finally:
        projector.close()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(25 if order == "cumulative" else 15)
        lines = out.getvalue().strip().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        title = f"cProfile of the replay on {ctx.target.database}, by {order}"
        ctx.console.print(f"[bold]{title}[/bold] ({total:,} events)")
        ctx.console.print("\n".join(lines[start:]), markup=False, highlight=False, soft_wrap=True)

