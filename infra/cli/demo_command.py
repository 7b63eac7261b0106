"""``oar-ledger demo``: run the demo year against the configured ledger."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import typer

from infra.bootstrap import build_ledger
from infra.cli.context import state
from infra.cli.render import out
from infra.clock import SimulatedClock
from infra.demo.script import DemoRun
from infra.demo.summary import print_summary
from infra.demo.year import run_year

REVIEW_DATE = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


def demo(ctx: typer.Context) -> None:
    """Record a realistic year (2024-2025) of several groups, refusals included, and summarise.

    Each run uses fresh group slugs (a random suffix), so running it twice is safe:
    the second run adds a second set of groups to the same ledger.
    """
    settings = state(ctx).settings
    clock = SimulatedClock(REVIEW_DATE)
    ledger = build_ledger(settings, clock)
    try:
        where = settings.database_url or settings.sqlite_path
        out.print(f"Recording the demo year into {where} ...")
        run = DemoRun(app=ledger.app, clock=clock, suffix=secrets.token_hex(2))
        run_year(run)
        clock.set(REVIEW_DATE)
        rows = print_summary(run, REVIEW_DATE)
        missing = [row[0] for row in rows if not any(row[2:])]
        if missing:
            raise typer.Exit(code=1)
    finally:
        ledger.close()
