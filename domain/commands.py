"""Commands: what an actor asks the ledger to do, validated before any rule runs.

Field constraints here are input validation (a malformed value is a usage error);
the policy rules in ``domain.policy`` decide whether a well-formed command is allowed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from domain.actors import Actor, OpaqueId
from domain.values import (
    AlumniDataKind,
    Attendance,
    DeactivationGround,
    GroupType,
    ManagedBy,
    PackName,
    Purpose,
    SponsorSector,
    TerminationInitiative,
    Visibility,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
ClauseRef = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^(§\d{1,2}|Annex \d)(, ?(§\d{1,2}|Annex \d)){0,4}$")
]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor


class GroupCommand(Command):
    group: Slug


RESERVED_SLUGS = frozenset({"export"})  # words the CLI reads as subcommands


class RequestGroup(GroupCommand):
    name: Text
    group_type: GroupType
    managed_by: ManagedBy
    visibility: Visibility
    objectives: Text
    membership_criteria: tuple[Text, ...] = ()
    proposed_managers: tuple[OpaqueId, ...] = Field(min_length=1, max_length=3)
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
    criterion: Text
    reason: Reason


class RejectMembership(GroupCommand):
    member: OpaqueId
    criterion: Text
    reason: Reason


class UpholdRejection(GroupCommand):
    """§9: the OAR upholds a rejection the screen held for its review."""

    member: OpaqueId
    reason: Reason


class OverturnRejection(GroupCommand):
    """§9: the OAR overturns a held rejection; the request returns to the managers."""

    member: OpaqueId
    reason: Reason


class LeaveGroup(GroupCommand):
    """A member leaves (the actor is the member)."""


class RequestTermination(GroupCommand):
    reason: Reason


class TerminateGroup(GroupCommand):
    initiative: TerminationInitiative
    reason: Reason


class DeactivateGroup(GroupCommand):
    """§19: for inactivity over a year (measured from the ledger), or on another ground
    citing its clause (``other_clause``, e.g. ``§12``)."""

    discussed_with_managers: bool
    ground: DeactivationGround = DeactivationGround.INACTIVITY
    other_clause: ClauseRef | None = None
    reason: Reason

    @model_validator(mode="after")
    def _clause_with_other_ground(self) -> DeactivateGroup:
        if self.ground is DeactivationGround.OTHER and not self.other_clause:
            raise ValueError("other_clause: another ground must cite its clause (e.g. §12)")
        if self.ground is DeactivationGround.INACTIVITY and self.other_clause:
            raise ValueError("other_clause: only another ground cites a clause; inactivity is §19")
        return self


class ReactivateGroup(GroupCommand):
    reason: Reason


class ReportSocialMediaSpace(GroupCommand):
    """§6: someone reports an external social-media space run for the group."""

    platform: Text
    reason: Reason


class ShareActivityPlan(GroupCommand):
    """LSE: the group shares its annual activity plan with the engagement team."""

    year: int = Field(ge=2000, le=2100)
    summary: Text
    reason: Reason | None = None


class ReportAlumniData(GroupCommand):
    """LSE: someone reports that the group keeps its own alumni database or mailing list."""

    kind: AlumniDataKind
    description: Text
    reason: Reason


class GatheringCommand(GroupCommand):
    gathering: Slug


class ProposeGathering(GatheringCommand):
    title: Text
    starts_at: AwareDatetime
    purpose: Purpose
    connection: Text = Field(description="§21: the event's clear connection to the group")
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
    marks: dict[OpaqueId, Attendance] = Field(min_length=1)
    unregistered_attendees: tuple[OpaqueId, ...] = ()


class SponsorshipCommand(GatheringCommand):
    sponsorship: Slug


class RequestSponsorship(SponsorshipCommand):
    sponsor: Text = Field(description="the sponsoring organisation (not a person)")
    sector: SponsorSector
    bidding_for_cern_contracts: bool
    offers_cern_name_or_logo: bool
    reason: Reason


class ApproveSponsorship(SponsorshipCommand):
    reason: Reason


class RejectSponsorship(SponsorshipCommand):
    reason: Reason
