"""The auditor's queries over the read models: pending requests and sponsorships (groups and
compliance, on a date or today with their freshness, are in ``review_commands``).

Imports only what a read needs (settings, SQLAlchemy, the read-model queries): no Kafka,
no event store.
"""

from __future__ import annotations

from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.render import print_json, table
from projections.queries import pending_requests, sponsorship_register

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


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
