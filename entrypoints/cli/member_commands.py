"""Subcommands about membership (§8 public joins, §9 moderated requests, §19)."""

from __future__ import annotations

from typing import Annotated

import typer

from domain import commands as c
from entrypoints.cli.context import run_command
from entrypoints.cli.options import Actor, ActingRole, GroupSlug, MemberId, Reason, actor

member_app = typer.Typer(help="Join, request, moderate and leave group membership.", no_args_is_help=True)

Criterion = Annotated[str, typer.Option(help="§9: the group's objective criterion applied.")]


@member_app.command("join")
def join(ctx: typer.Context, group: GroupSlug, actor_id: Actor, role: ActingRole) -> None:
    """The acting member joins a public group at once (§8)."""
    run_command(ctx, c.JoinGroup, actor=actor(actor_id, role), group=group)


@member_app.command("request")
def request(ctx: typer.Context, group: GroupSlug, actor_id: Actor, role: ActingRole) -> None:
    """The acting member asks to join a private group (§9); a manager decides."""
    run_command(ctx, c.RequestMembership, actor=actor(actor_id, role), group=group)


@member_app.command("approve")
def approve(
    ctx: typer.Context, group: GroupSlug, member: MemberId, criterion: Criterion,
    reason: Reason, actor_id: Actor, role: ActingRole,
) -> None:  # fmt: skip
    """A manager of the group accepts a pending request (§9, §19)."""
    run_command(
        ctx, c.ApproveMembership, actor=actor(actor_id, role),
        group=group, member=member, criterion=criterion, reason=reason,
    )  # fmt: skip


@member_app.command("reject")
def reject(
    ctx: typer.Context, group: GroupSlug, member: MemberId, criterion: Criterion,
    reason: Reason, actor_id: Actor, role: ActingRole,
) -> None:  # fmt: skip
    """A manager rejects a pending request against the group's criteria (§9, §19)."""
    run_command(
        ctx, c.RejectMembership, actor=actor(actor_id, role),
        group=group, member=member, criterion=criterion, reason=reason,
    )  # fmt: skip


@member_app.command("leave")
def leave(ctx: typer.Context, group: GroupSlug, actor_id: Actor, role: ActingRole) -> None:
    """The acting member leaves the group."""
    run_command(ctx, c.LeaveGroup, actor=actor(actor_id, role), group=group)
