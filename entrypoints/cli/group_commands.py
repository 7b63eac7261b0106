"""Subcommands about groups and their managers (§7, §11, §14-§16, §19, §32, §6)."""

from __future__ import annotations

from typing import Annotated

import typer

from domain import commands as c
from domain.values import GroupType, ManagedBy, TerminationInitiative, Visibility
from entrypoints.cli.context import run_command
from entrypoints.cli.options import Actor, ActingRole, GroupSlug, OptionalReason, Reason, actor

group_app = typer.Typer(help="Request, decide, deactivate and terminate groups.", no_args_is_help=True)
manager_app = typer.Typer(help="Appoint and remove group managers (§7).", no_args_is_help=True)


@group_app.command("request")
def request(
    ctx: typer.Context,
    group: GroupSlug,
    name: Annotated[str, typer.Option(help="Display name of the group.")],
    group_type: Annotated[GroupType, typer.Option("--type", help="§3 group type.")],
    managed_by: Annotated[ManagedBy, typer.Option(help="§4: cern or alumni.")],
    visibility: Annotated[Visibility, typer.Option(help="§8 public or §9 private.")],
    objectives: Annotated[str, typer.Option(help="§15: what the group is for.")],
    manager: Annotated[list[str], typer.Option(help="Proposed manager id (repeat, 1-3).")],
    actor_id: Actor,
    role: ActingRole,
    criterion: Annotated[
        list[str] | None, typer.Option(help="§9: an objective membership criterion (repeat).")
    ] = None,
    policy: Annotated[str, typer.Option(help="Policy pack governing the group.")] = "cern",
) -> None:
    """Ask the OAR to create a group (§15, §16); it is active once approved."""
    run_command(
        ctx, c.RequestGroup, actor=actor(actor_id, role), group=group,
        name=name, group_type=group_type, managed_by=managed_by, visibility=visibility,
        objectives=objectives, membership_criteria=tuple(criterion or ()),
        proposed_managers=tuple(manager), policy_pack=policy,
    )  # fmt: skip


@group_app.command("approve")
def approve(ctx: typer.Context, group: GroupSlug, reason: Reason, actor_id: Actor, role: ActingRole) -> None:
    """OAR approves the creation of a requested group (§11, §16; needs 2 managers, §7)."""
    run_command(ctx, c.ApproveGroup, actor=actor(actor_id, role), group=group, reason=reason)


@group_app.command("reject")
def reject(ctx: typer.Context, group: GroupSlug, reason: Reason, actor_id: Actor, role: ActingRole) -> None:
    """OAR rejects a requested group (§11, §16)."""
    run_command(ctx, c.RejectGroup, actor=actor(actor_id, role), group=group, reason=reason)


@group_app.command("request-termination")
def request_termination(
    ctx: typer.Context, group: GroupSlug, reason: Reason, actor_id: Actor, role: ActingRole
) -> None:
    """The group's managers ask the OAR to terminate the group (§32)."""
    run_command(
        ctx, c.RequestTermination,
        actor=actor(actor_id, role), group=group, reason=reason,
    )  # fmt: skip


@group_app.command("terminate")
def terminate(
    ctx: typer.Context,
    group: GroupSlug,
    initiative: Annotated[TerminationInitiative, typer.Option(help="At the managers' request or the OAR's own.")],
    reason: Reason,
    actor_id: Actor,
    role: ActingRole,
) -> None:
    """OAR terminates the group (§14, §32); it then accepts no further commands."""
    run_command(
        ctx, c.TerminateGroup,
        actor=actor(actor_id, role), group=group, initiative=initiative, reason=reason,
    )  # fmt: skip


@group_app.command("deactivate")
def deactivate(
    ctx: typer.Context,
    group: GroupSlug,
    reason: Reason,
    actor_id: Actor,
    role: ActingRole,
    discussed: Annotated[
        bool, typer.Option("--discussed/--not-discussed", help="Discussed with the managers first (§19).")
    ] = True,
) -> None:
    """OAR deactivates a group, e.g. inactive for over a year (§19)."""
    run_command(
        ctx, c.DeactivateGroup, actor=actor(actor_id, role),
        group=group, discussed_with_managers=discussed, reason=reason,
    )  # fmt: skip


@group_app.command("reactivate")
def reactivate(ctx: typer.Context, group: GroupSlug, reason: Reason, actor_id: Actor, role: ActingRole) -> None:
    """OAR reactivates a deactivated group (§19; needs 2 managers, §7)."""
    run_command(ctx, c.ReactivateGroup, actor=actor(actor_id, role), group=group, reason=reason)


@group_app.command("report-social-media")
def report_social_media(
    ctx: typer.Context,
    group: GroupSlug,
    platform: Annotated[str, typer.Option(help="Where the external space is, e.g. LinkedIn.")],
    reason: Reason,
    actor_id: Actor,
    role: ActingRole,
) -> None:
    """Report an external social-media space of the group (a §6 compliance flag)."""
    run_command(
        ctx, c.ReportSocialMediaSpace,
        actor=actor(actor_id, role), group=group, platform=platform, reason=reason,
    )  # fmt: skip


@manager_app.command("appoint")
def appoint(
    ctx: typer.Context,
    group: GroupSlug,
    manager: Annotated[str, typer.Argument(help="Opaque id of the new manager.")],
    actor_id: Actor,
    role: ActingRole,
    reason: OptionalReason = None,
) -> None:
    """Appoint a manager (§7: at most three)."""
    run_command(
        ctx, c.AppointManager,
        actor=actor(actor_id, role), group=group, manager=manager, reason=reason,
    )  # fmt: skip


@manager_app.command("remove")
def remove(
    ctx: typer.Context,
    group: GroupSlug,
    manager: Annotated[str, typer.Argument(help="Opaque id of the manager to remove.")],
    reason: Reason,
    actor_id: Actor,
    role: ActingRole,
) -> None:
    """Remove a manager (§7: an active group keeps at least two)."""
    run_command(
        ctx, c.RemoveManager,
        actor=actor(actor_id, role), group=group, manager=manager, reason=reason,
    )  # fmt: skip
