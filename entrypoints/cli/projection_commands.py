"""Projection subcommands: the projector, replay, comparison, and the auditor's queries."""

from __future__ import annotations

import signal
import threading
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine, inspect
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from bootstrap import build_projection_engine, build_projector
from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.kafka_commands import require_bootstrap
from entrypoints.render import err, line, out, print_json, table
from infra.db import make_engine
from infra.redaction import redact_url
from projections.tables import STATE_TABLES
from projections.compare import compare
from projections.compliance import compliance_view, end_of, flag_rows
from projections.queries import group_rows, pending_requests, sponsorship_register

projections_app = typer.Typer(help="Compare projection databases.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def project(ctx: typer.Context, once: Annotated[bool, typer.Option("--once", help="Apply what is on the topic, then exit.")] = False) -> None:
    """Consume the ledger topic into the read models (graceful stop on SIGTERM/Ctrl-C)."""
    settings = state(ctx).settings
    engine = build_projection_engine(settings)
    projector = build_projector(settings, engine, require_bootstrap(settings), use_group=not once)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        if not once:
            line(f"projecting {settings.ledger_topic} into {redact_url(settings.projection_url)}; Ctrl-C to stop")
        applied = projector.run(stop, once=once)
    finally:
        projector.close()
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


def groups(ctx: typer.Context, as_json: Json = False) -> None:
    """Every group, from the read models (run `project` to bring them up to date)."""
    with _projections(ctx) as connection:
        rows = group_rows(connection)
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table("Groups", ["group", "name", "status", "type", "managed by", "visibility", "managers", "members", "last activity"],
          [[r["slug"], r["name"], r["status"], r["group_type"], r["managed_by"], r["visibility"], r["managers"],
            r["member_count"], r["last_activity"]] for r in rows])  # fmt: skip


def compliance(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--on", help="Review date, YYYY-MM-DD (default: today).")] = "",
    request_days: Annotated[int | None, typer.Option(min=0, help="Flag requests waiting longer than this.")] = None,
    as_json: Json = False,
) -> None:
    """Compliance flags of every group on a date (§6, §7, §18, §19, §23, §30, Annex 1)."""
    try:
        day = date.fromisoformat(on) if on else state(ctx).ledger.app.clock().date()
    except ValueError:
        raise CliError(f"invalid --on: {on!r} is not a date (YYYY-MM-DD)") from None
    with _projections(ctx) as connection:
        limit = request_days if request_days is not None else state(ctx).settings.pending_request_days
        rows = flag_rows(compliance_view(connection, end_of(day), limit))
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table(f"Compliance flags on {day}", ["group", "rule", "clause", "detail"],
          [[r["group"], r["rule"], r["clause"], r["detail"]] for r in rows])  # fmt: skip


def pending(ctx: typer.Context, as_json: Json = False) -> None:
    """Membership requests waiting for a manager's decision, with their age."""
    with _projections(ctx) as connection:
        rows = pending_requests(connection, state(ctx).ledger.app.clock())
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table("Pending membership requests", ["group", "member", "requested", "waiting days"],
          [[r["group"], r["member"], r["requested_at"], r["waiting_days"]] for r in rows])  # fmt: skip


def sponsorships(ctx: typer.Context, as_json: Json = False) -> None:
    """The sponsorship register with its §26 screening outcome and clause."""
    with _projections(ctx) as connection:
        rows = sponsorship_register(connection)
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table("Sponsorship register", ["group", "event", "sponsor", "sector", "status", "screening", "clause"],
          [[r["group"], r["event"], r["sponsor"], r["sector"], r["status"], r["screening"], r["clause"]] for r in rows])  # fmt: skip


class _projections:
    """Context manager: a connection to the read models."""

    def __init__(self, ctx: typer.Context) -> None:
        self.engine = build_projection_engine(state(ctx).settings)

    def __enter__(self):
        self.connection = self.engine.connect()
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
        self.engine.dispose()
