"""Subcommands of issue 16's rules: the OAR's review of held §9 rejections, and the LSE
annual activity plan and alumni-data reports."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from domain import commands as c
from domain.values import AlumniDataKind
from entrypoints.cli.context import run_command, state
from entrypoints.cli.options import Actor, ActingRole, GroupSlug, MemberId, OptionalReason, Reason, actor
from entrypoints.cli.projection_commands import Json, _projections
from entrypoints.render import print_json, table
from projections.queries import review_queue

review_app = typer.Typer(
    help="§9: rejections held for the OAR's review (the screen was uncertain): list, uphold, overturn.",
    no_args_is_help=True,
)


@review_app.command("list")
def review_list(ctx: typer.Context, as_json: Json = False) -> None:
    """The OAR's pending items: held rejections, oldest first (from the read models)."""
    with _projections(ctx) as connection:
        rows = review_queue(connection, state(ctx).ledger.app.clock())
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table("Rejections held for OAR review (CERN-AG §9)",
          ["group", "member", "held", "by", "criterion", "reason", "grounds", "waiting days"],
          [[r["group"], r["member"], r["held_at"], r["held_by"], escape(r["criterion"]), escape(r["reason"] or ""),
            r["grounds"], r["waiting_days"]] for r in rows])  # fmt: skip  (typed text: no rich markup)


@review_app.command("uphold")
def uphold(ctx: typer.Context, group: GroupSlug, member: MemberId, reason: Reason, actor_id: Actor, role: ActingRole) -> None:
    """The OAR upholds a held rejection, with its own reason: the request is rejected."""
    run_command(ctx, c.UpholdRejection, actor=actor(actor_id, role), group=group,
                member=member, reason=reason)  # fmt: skip


@review_app.command("overturn")
def overturn(ctx: typer.Context, group: GroupSlug, member: MemberId, reason: Reason, actor_id: Actor, role: ActingRole) -> None:
    """The OAR overturns a held rejection, with its own reason: the managers decide again."""
    run_command(ctx, c.OverturnRejection, actor=actor(actor_id, role), group=group,
                member=member, reason=reason)  # fmt: skip


def share_plan(
    ctx: typer.Context,
    group: GroupSlug,
    year: Annotated[int, typer.Option(help="The year the plan covers (this year or the next).")],
    summary: Annotated[str, typer.Option(help="What the plan holds, in a sentence.")],
    actor_id: Actor,
    role: ActingRole,
    reason: OptionalReason = None,
) -> None:
    """LSE: the organising committee shares its annual activity plan ('Alumni groups' ¶1)."""
    run_command(ctx, c.ShareActivityPlan, actor=actor(actor_id, role), group=group,
                year=year, summary=summary, reason=reason)  # fmt: skip


def report_alumni_data(
    ctx: typer.Context,
    group: GroupSlug,
    kind: Annotated[AlumniDataKind, typer.Option(help="database or mailing-list")],
    description: Annotated[str, typer.Option(help="Where it is, what it holds (no personal data).")],
    reason: Reason,
    actor_id: Actor,
    role: ActingRole,
) -> None:
    """LSE: report the group's own alumni database or mailing list (a flag, 'Alumni groups' ¶2)."""
    run_command(ctx, c.ReportAlumniData, actor=actor(actor_id, role), group=group,
                kind=kind, description=description, reason=reason)  # fmt: skip
