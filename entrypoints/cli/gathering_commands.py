"""Subcommands about group events (§20-§24), speakers (§22), attendance (§19, §30)
and sponsorship (§25, §26)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import typer

from domain import commands as c
from domain.fields import distinct
from domain.values import Purpose, SponsorSector
from entrypoints.cli.context import run_command
from entrypoints.cli.errors import CliError
from entrypoints.cli.options import Actor, ActingRole, EventSlug, GroupSlug, MemberId, Reason, actor

event_app = typer.Typer(help="Propose, decide and list group events (§20-§24, Annex 1).", no_args_is_help=True)
speaker_app = typer.Typer(help="Propose and decide guest speakers (§22).", no_args_is_help=True)
attendance_app = typer.Typer(help="Register participants and record attendance (§19, §30).", no_args_is_help=True)
sponsorship_app = typer.Typer(help="Request and decide sponsorships (§25, §26).", no_args_is_help=True)

Speaker = Annotated[str, typer.Argument(help="Opaque id of the guest speaker.")]
Ref = Annotated[str, typer.Argument(help="The sponsorship's slug, e.g. acme-2025.")]
Ids = Annotated[list[str] | None, typer.Option(help="Member id (repeat).")]


@event_app.command("propose")
def propose(
    ctx: typer.Context,
    group: GroupSlug,
    event: EventSlug,
    title: Annotated[str, typer.Option(help="Title of the event.")],
    starts_at: Annotated[str, typer.Option(help="Start, ISO 8601 with offset, e.g. 2025-05-20T18:00+02:00.")],
    purpose: Annotated[Purpose, typer.Option(help="§21 purpose.")],
    connection: Annotated[str, typer.Option(help="§21: its clear connection to the group.")],
    actor_id: Actor = None,
    role: ActingRole = None,
    fee: Annotated[Decimal, typer.Option(help="§24 participation fee per participant.")] = Decimal(0),
    cost: Annotated[Decimal, typer.Option(help="§24 at-cost price per participant.")] = Decimal(0),
    under_18: Annotated[bool, typer.Option(help="Targeted at under-18s (§26).")] = False,
    for_financial_gain: Annotated[bool, typer.Option(help="Organised for gain (§21 forbids).")] = False,
    political: Annotated[bool, typer.Option(help="For political ends (§21 forbids).")] = False,
) -> None:
    """A manager proposes an event for OAR approval (§20, §21, §24)."""
    run_command(
        ctx, c.ProposeGathering, actor=actor(actor_id, role),
        group=group, gathering=event, title=title, starts_at=starts_at, purpose=purpose,
        connection=connection, fee_per_participant=fee, cost_per_participant=cost,
        under_18_audience=under_18, for_financial_gain=for_financial_gain, political=political,
    )  # fmt: skip


@event_app.command("approve")
def approve(ctx: typer.Context, group: GroupSlug, event: EventSlug, reason: Reason, actor_id: Actor = None, role: ActingRole = None) -> None:
    """OAR approves a proposed event (§20, §21)."""
    run_command(ctx, c.ApproveGathering, actor=actor(actor_id, role), group=group, gathering=event, reason=reason)


@event_app.command("reject")
def reject(ctx: typer.Context, group: GroupSlug, event: EventSlug, reason: Reason, actor_id: Actor = None, role: ActingRole = None) -> None:
    """OAR rejects a proposed event (§20, §21)."""
    run_command(ctx, c.RejectGathering, actor=actor(actor_id, role), group=group, gathering=event, reason=reason)


@event_app.command("list")
def list_event(
    ctx: typer.Context, group: GroupSlug, event: EventSlug,
    listed_on: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="Date listed on alumni.cern.")],
    actor_id: Actor = None, role: ActingRole = None,
) -> None:  # fmt: skip
    """Record that an approved event was listed on the platform (Annex 1: 3-4 weeks ahead)."""
    run_command(ctx, c.ListGathering, actor=actor(actor_id, role), group=group, gathering=event, listed_on=listed_on.date())


@speaker_app.command("propose")
def propose_speaker(ctx: typer.Context, group: GroupSlug, event: EventSlug, speaker: Speaker, actor_id: Actor = None, role: ActingRole = None) -> None:
    """A manager proposes a guest speaker (§22)."""
    run_command(ctx, c.ProposeSpeaker, actor=actor(actor_id, role), group=group, gathering=event, speaker=speaker)


@speaker_app.command("approve")
def approve_speaker(ctx: typer.Context, group: GroupSlug, event: EventSlug, speaker: Speaker, reason: Reason, actor_id: Actor = None, role: ActingRole = None) -> None:
    """OAR approves a guest speaker before the event (§22)."""
    run_command(ctx, c.ApproveSpeaker, actor=actor(actor_id, role), group=group, gathering=event, speaker=speaker, reason=reason)


@speaker_app.command("reject")
def reject_speaker(ctx: typer.Context, group: GroupSlug, event: EventSlug, speaker: Speaker, reason: Reason, actor_id: Actor = None, role: ActingRole = None) -> None:
    """OAR rejects a guest speaker (§22)."""
    run_command(ctx, c.RejectSpeaker, actor=actor(actor_id, role), group=group, gathering=event, speaker=speaker, reason=reason)


@attendance_app.command("register")
def register(ctx: typer.Context, group: GroupSlug, event: EventSlug, member: MemberId, actor_id: Actor = None, role: ActingRole = None) -> None:
    """Register a group member as a participant (§19: members only)."""
    run_command(ctx, c.RegisterParticipant, actor=actor(actor_id, role), group=group, gathering=event, member=member)


@attendance_app.command("record")
def record(
    ctx: typer.Context, group: GroupSlug, event: EventSlug, actor_id: Actor = None, role: ActingRole = None,
    attended: Ids = None, did_not_attend: Ids = None, unregistered: Ids = None,
) -> None:  # fmt: skip
    """Mark registered participants attended / did not attend; log unregistered attendees (§30, Annex 1)."""
    try:
        distinct([*(attended or ()), *(did_not_attend or ())])  # one mark per participant
    except ValueError as problem:
        raise CliError(f"invalid attended/did-not-attend: {problem}") from None
    marks = {m: "attended" for m in attended or ()} | {m: "did-not-attend" for m in did_not_attend or ()}
    run_command(
        ctx, c.RecordAttendance, actor=actor(actor_id, role), group=group,
        gathering=event, marks=marks, unregistered_attendees=tuple(unregistered or ()),
    )  # fmt: skip


@sponsorship_app.command("request")
def request_sponsorship(
    ctx: typer.Context, group: GroupSlug, event: EventSlug, sponsorship: Ref,
    sponsor: Annotated[str, typer.Option(help="The sponsoring organisation.")],
    sector: Annotated[SponsorSector, typer.Option(help="§26 screening: the sponsor's sector.")],
    reason: Reason, actor_id: Actor = None, role: ActingRole = None,
    bidding: Annotated[bool, typer.Option("--bidding/--not-bidding", help="Currently bidding for CERN contracts.")] = False,
    offers_cern_name: Annotated[bool, typer.Option(help="CERN name/logo offered in return (§26 forbids).")] = False,
) -> None:  # fmt: skip
    """A manager asks the OAR's prior consent to a sponsorship (§25), screened by §26."""
    run_command(
        ctx, c.RequestSponsorship, actor=actor(actor_id, role), group=group,
        gathering=event, sponsorship=sponsorship, sponsor=sponsor, sector=sector,
        bidding_for_cern_contracts=bidding, offers_cern_name_or_logo=offers_cern_name, reason=reason,
    )  # fmt: skip


@sponsorship_app.command("approve")
def approve_sponsorship(ctx: typer.Context, group: GroupSlug, event: EventSlug, sponsorship: Ref, reason: Reason, actor_id: Actor = None, role: ActingRole = None) -> None:
    """OAR gives its written consent to a sponsorship (§25, screened by §26)."""
    run_command(ctx, c.ApproveSponsorship, actor=actor(actor_id, role), group=group, gathering=event, sponsorship=sponsorship, reason=reason)


@sponsorship_app.command("reject")
def reject_sponsorship(ctx: typer.Context, group: GroupSlug, event: EventSlug, sponsorship: Ref, reason: Reason, actor_id: Actor = None, role: ActingRole = None) -> None:
    """OAR refuses a sponsorship (§25, §26)."""
    run_command(ctx, c.RejectSponsorship, actor=actor(actor_id, role), group=group, gathering=event, sponsorship=sponsorship, reason=reason)

