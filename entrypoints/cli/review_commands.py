"""The auditor's review of the groups: `groups [--as-of]` and `compliance [--on DATE]`.

On a date both rebuild each group from the event store; today's views come from the read
models and say how fresh they are (exit 7 when they lag, unless --allow-stale).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.read_commands import Json, _projections
from entrypoints.render import err, line, out, print_json, table
from service.compliance import (
    Freshness,
    as_of_moment,
    compliance_on,
    compliance_today,
    groups_as_of,
    groups_today,
    working_calendar,
)

AllowStale = Annotated[bool, typer.Option(
    "--allow-stale", help="Exit 0 even if the read models lag the store (the answer still says so).")]


def _store_position(ctx: typer.Context) -> int:
    return state(ctx).store_position()


def _freshness_verdict(freshness: Freshness, allow_stale: bool) -> None:
    """Warn on stderr when the read models lag; exit 7 then unless --allow-stale."""
    warning = freshness.warning()
    if warning is None:
        return
    line(f"warning: {warning}", stream=err)
    if not allow_stale:
        raise CliError("stale read models: the answer above is not complete (--allow-stale accepts it)",
                       ExitCode.INTEGRITY)  # fmt: skip


def groups(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO 8601 moment with offset, or a date (its end).")] = None,
    allow_stale: AllowStale = False,
    as_json: Json = False,
) -> None:
    """Every group: today from the read models (with their freshness), or --as-of a past
    moment, rebuilt from the event store."""
    freshness = None
    if as_of is not None:
        rows = groups_as_of(state(ctx).ledger.app, _moment_or_day(as_of))
    else:
        with _projections(ctx) as connection:
            rows, freshness = groups_today(connection, _store_position(ctx))
    if as_json or state(ctx).json_output:  # a list, as before; the freshness goes to stderr
        print_json(rows)
    else:
        title = f"Groups as of {as_of} (from the event store)" if as_of else "Groups (from the read models)"
        table(title, ["group", "name", "status", "type", "managed by", "visibility", "managers", "members", "last activity"],
              [[r["slug"], r["name"], r["status"], r["group_type"], r["managed_by"], r["visibility"], r["managers"],
                r["member_count"], r["last_activity"]] for r in rows])  # fmt: skip
    if freshness is not None:
        _freshness_verdict(freshness, allow_stale)
        err.print(f"read models: projected up to position {freshness.projected_position} of "
                  f"{freshness.store_position} in the store", markup=False)  # fmt: skip


def _moment_or_day(value: str) -> datetime:
    try:
        return as_of_moment(value)
    except ValueError as problem:
        raise CliError(f"invalid --as-of: {problem}") from None


def compliance(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--on", help="Review date, YYYY-MM-DD: each group as it stood at the end "
                                   "of that day, from the event store (default: today, from the read models).")] = "",
    request_days: Annotated[int | None, typer.Option(min=0, help="Flag requests waiting longer than this.")] = None,
    read_models: Annotated[bool, typer.Option("--read-models", help="Judge today's projected state on --on "
                                              "instead of rebuilding the past (quicker, not as-of).")] = False,
    allow_stale: AllowStale = False,
    as_json: Json = False,
) -> None:
    """Compliance flags of every group on a date (§6, §7, §9, §18, §19, §23, §30, Annex 1; LSE sections).

    LSE waits count working days: weekends and OAR_CLOSURE_DAYS do not count."""
    cli = state(ctx)
    try:
        day = date.fromisoformat(on) if on else cli.clock().date()
    except ValueError:
        raise CliError(f"invalid --on: {on[:40]!r} is not a date (YYYY-MM-DD)") from None
    limit = request_days if request_days is not None else cli.settings.pending_request_days
    if on and not read_models:
        answer = compliance_on(cli.ledger.app, day, limit, working_calendar(cli.settings))
    else:
        with _projections(ctx) as connection:
            answer = compliance_today(connection, _store_position(ctx), day, limit, working_calendar(cli.settings))
    if as_json or cli.json_output:
        print_json(answer.to_json())
    else:
        source = "as they stood then, from the event store" if answer.freshness is None else "from the read models"
        table(f"Compliance flags on {day} ({source})", ["group", "rule", "clause", "detail"],
              [[f.group, f.rule, f.clause, f.detail] for f in answer.flags])  # fmt: skip
        if answer.clean:
            out.print("no flags", markup=False)
    if answer.freshness is not None:
        _freshness_verdict(answer.freshness, allow_stale)
