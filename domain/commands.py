"""Commands: what an actor asks the ledger to do, validated before any rule runs.

Field constraints here are input validation (a malformed value is a usage error);
the policy rules in ``domain.policy`` decide whether a well-formed command is allowed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from domain.actors import Actor
from domain.fields import (
    Connection,
    Criterion,
    Money,
    Name,
    Objectives,
    OpaqueId,
    Platform,
    Reason,
    Slug,
    Sponsor,
    Title,
    bounded_list,
    bounded_marks,
)
from domain.values import (
    Attendance,
    GroupType,
    ManagedBy,
    PackName,
    Purpose,
    SponsorSector,
    TerminationInitiative,
    Visibility,
)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor


class GroupCommand(Command):
    group: Slug


RESERVED_SLUGS = frozenset({"export"})  # words the CLI reads as subcommands


class RequestGroup(GroupCommand):
    name: Name
    group_type: GroupType
    managed_by: ManagedBy
    visibility: Visibility
    objectives: Objectives
    membership_criteria: bounded_list(Criterion, "membership_criteria") = ()  # type: ignore[valid-type]
    proposed_managers: bounded_list(OpaqueId, "proposed_managers", min_items=1)  # type: ignore[valid-type]
    policy_pack: PackName = PackName.CERN

    @field_validator("group")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SLUGS:
            raise ValueError(f"{slug!r} is reserved")
        return slug


class ApproveGroup(GroupCommand):
    reason: Reason


class RejectGroup(GroupCommand):
    reason: Reason


class AppointManager(GroupCommand):
    manager: OpaqueId
    reason: Reason | None = None


class RemoveManager(GroupCommand):
    manager: OpaqueId
    reason: Reason


class JoinGroup(GroupCommand):
    """§8: a member joins a public group (the actor is the member)."""


class RequestMembership(GroupCommand):
    """§9: a member asks to join a private group (the actor is the member)."""


class ApproveMembership(GroupCommand):
    member: OpaqueId
    criterion: Criterion
    reason: Reason


class RejectMembership(GroupCommand):
    member: OpaqueId
    criterion: Criterion
    reason: Reason


class LeaveGroup(GroupCommand):
    """A member leaves (the actor is the member)."""


class RequestTermination(GroupCommand):
    reason: Reason


class TerminateGroup(GroupCommand):
    initiative: TerminationInitiative
    reason: Reason


class DeactivateGroup(GroupCommand):
    discussed_with_managers: bool
    reason: Reason


class ReactivateGroup(GroupCommand):
    reason: Reason


class ReportSocialMediaSpace(GroupCommand):
    """§6: someone reports an external social-media space run for the group."""

    platform: Platform
    reason: Reason


class GatheringCommand(GroupCommand):
    gathering: Slug


class ProposeGathering(GatheringCommand):
    title: Title
    starts_at: AwareDatetime
    purpose: Purpose
    connection: Connection = Field(description="§21: the event's clear connection to the group")
    for_financial_gain: bool = False
    political: bool = False
    fee_per_participant: Money = Decimal("0")
    cost_per_participant: Money = Decimal("0")
    under_18_audience: bool = False


class ApproveGathering(GatheringCommand):
    reason: Reason


class RejectGathering(GatheringCommand):
    reason: Reason


class ListGathering(GatheringCommand):
    listed_on: date


class ProposeSpeaker(GatheringCommand):
    speaker: OpaqueId


class ApproveSpeaker(GatheringCommand):
    speaker: OpaqueId
    reason: Reason


class RejectSpeaker(GatheringCommand):
    speaker: OpaqueId
    reason: Reason


class RegisterParticipant(GatheringCommand):
    member: OpaqueId


class RecordAttendance(GatheringCommand):
    marks: bounded_marks(OpaqueId, Attendance, "marks")  # type: ignore[valid-type]
    unregistered_attendees: bounded_list(OpaqueId, "unregistered_attendees") = ()  # type: ignore[valid-type]


class SponsorshipCommand(GatheringCommand):
    sponsorship: Slug


class RequestSponsorship(SponsorshipCommand):
    sponsor: Sponsor = Field(description="the sponsoring organisation (not a person)")
    sector: SponsorSector
    bidding_for_cern_contracts: bool
    offers_cern_name_or_logo: bool
    reason: Reason


class ApproveSponsorship(SponsorshipCommand):
    reason: Reason


class RejectSponsorship(SponsorshipCommand):
    reason: Reason
