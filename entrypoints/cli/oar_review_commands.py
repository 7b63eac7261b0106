"""``oar-ledger review``: the OAR's review of §9 rejections held because the screen was
uncertain (the LSE plan and alumni-data reports are ``group`` subcommands)."""

from __future__ import annotations

import typer
from rich.markup import escape

from domain import commands as c
from entrypoints.cli.context import run_command, state
from entrypoints.cli.options import Actor, ActingRole, GroupSlug, MemberId, Reason, actor
from entrypoints.cli.read_commands import Json, _projections
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
        rows = review_queue(connection, state(ctx).clock())
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
