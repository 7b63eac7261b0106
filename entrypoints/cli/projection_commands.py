"""Projection subcommands: the projector, replay and comparison of projection databases."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine, inspect
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from bootstrap import build_projection_engine, build_projector
from consumers.following import follow
from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.kafka_commands import require_bootstrap
from entrypoints.cli.observing import observability, projector_observer
from entrypoints.render import err, line, out
from infra.observability.http import Health
from infra.db import make_engine
from infra.redaction import redact_url
from projections.tables import STATE_TABLES
from projections.compare import compare
from projections.queries import group_rows

projections_app = typer.Typer(help="Compare projection databases.", no_args_is_help=True)


def project(ctx: typer.Context, once: Annotated[bool, typer.Option("--once", help="Apply what is on the topic, then exit.")] = False) -> None:
    """Consume the ledger topic into the read models (graceful stop on SIGTERM/Ctrl-C)."""
    settings = state(ctx).settings
    bootstrap = require_bootstrap(settings)
    engine = build_projection_engine(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    health = Health()
    try:
        if once:
            projector = build_projector(settings, engine, bootstrap, use_group=False)
            try:
                applied = projector.run(stop, once=True)
            finally:
                projector.close()
        else:
            line(f"projecting {settings.ledger_topic} into {redact_url(settings.projection_url)}; Ctrl-C to stop")
            make = lambda: build_projector(settings, engine, bootstrap)  # noqa: E731
            with observability(settings, health):
                applied = follow(make, stop, max_backoff=settings.relay_max_backoff_seconds,
                                 observer=lambda projector: projector_observer(projector, health))
    finally:
        engine.dispose()
    out.print(f"applied {applied} event(s) to the read models")


def replay(
    ctx: typer.Context,
    into: Annotated[str, typer.Option("--into", help="Database URL of a FRESH projection database.")],
) -> None:
    """Rebuild every projection from offset 0 of the topic into a fresh database."""
    settings = state(ctx).settings
    engine = build_projection_engine(settings, into)
    with engine.connect() as connection:
        if group_rows(connection):
            raise CliError(f"{redact_url(into)} already holds projections: replay needs a fresh database")
    projector = build_projector(settings, engine, require_bootstrap(settings), use_group=False)
    columns = (TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
               TextColumn("{task.fields[rate]} ev/s"), TimeRemainingColumn())  # fmt: skip
    try:
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("replay", total=None, rate="-")

            def show(done: int, total: int) -> None:
                speed = progress.tasks[0].speed
                progress.update(task, completed=done, total=total or None, rate=f"{speed:,.0f}" if speed else "-")

            applied = projector.run(threading.Event(), once=True, progress=show)
    finally:
        projector.close()
        engine.dispose()
    line(f"replayed {applied} event(s) into {redact_url(into)}")


@projections_app.command("compare")
def compare_projections(
    first: Annotated[str, typer.Argument(help="Database URL of the first projection.")],
    second: Annotated[str, typer.Argument(help="Database URL of the second projection.")],
) -> None:
    """Check that two projection databases hold the same state (exit 7 if not)."""
    left, right = _existing_projections(first, "FIRST"), _existing_projections(second, "SECOND")
    try:
        differences = compare(left, right)
    finally:
        left.dispose()
        right.dispose()
    for d in differences:
        line(f"{d.table} {d.key}: {d.detail}", stream=err)
    if differences:
        raise CliError(f"the projections differ ({len(differences)} difference(s) shown)", ExitCode.INTEGRITY)
    out.print("the projections hold the same state")


def _existing_projections(url: str, source: str) -> Engine:
    """An engine on a database that holds read models; exit 4 if it holds none (a missing
    SQLite file is not created), 2 for a bad URL, 6 if the server cannot be reached."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise CliError(f"not found: no projection database at {source} {redact_url(url)}", ExitCode.NOT_FOUND)
    engine = make_engine(url, source=source)
    if not all(inspect(engine).has_table(table.name) for table in STATE_TABLES):
        engine.dispose()
        raise CliError(f"not found: {source} {redact_url(url)} holds no read models", ExitCode.NOT_FOUND)
    return engine
