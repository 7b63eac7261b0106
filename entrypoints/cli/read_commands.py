"""The auditor's queries over the read models: groups, compliance, pending, sponsorships.

Imports only what a read needs (settings, SQLAlchemy, the read-model queries): no Kafka,
no event store.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError
from entrypoints.render import print_json, table
from projections.compliance import compliance_view, end_of, flag_rows
from projections.queries import group_rows, pending_requests, sponsorship_register

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


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
        day = date.fromisoformat(on) if on else state(ctx).clock().date()
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
        rows = pending_requests(connection, state(ctx).clock())
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
        from bootstrap import build_projection_engine

        self.engine = build_projection_engine(state(ctx).settings)

    def __enter__(self):
        self.connection = self.engine.connect()
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
        self.engine.dispose()
