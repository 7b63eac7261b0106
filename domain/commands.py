"""Commands: what an actor asks the ledger to do, validated before any rule runs.

Field constraints here are input validation (a malformed value is a usage error; the limits
are ``domain.fields``'); the policy rules in ``domain.policy`` decide whether a well-formed
command is allowed. The event commands are in ``domain.gathering_commands``, the common base in
``domain.command_base``; both re-exported here.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from domain.command_base import RESERVED_SLUGS, ClauseRef, Command, GroupCommand  # noqa: F401 - re-exported
from domain.fields import (  # noqa: F401 - re-exported
    Criterion,
    Description,
    Money,
    Name,
    Objectives,
    OpaqueId,
    Platform,
    Reason,
    Slug,
    Summary,
    bounded_list,
)
from domain.gathering_commands import (  # noqa: F401 - re-exported
    ApproveGathering,
    ApproveSpeaker,
    ApproveSponsorship,
    GatheringCommand,
    ListGathering,
    ProposeGathering,
    ProposeSpeaker,
    RecordAttendance,
    RegisterParticipant,
    RejectGathering,
    RejectSpeaker,
    RejectSponsorship,
    RequestSponsorship,
    SponsorshipCommand,
)
from domain.values import (
    AlumniDataKind,
    DeactivationGround,
    GroupType,
    ManagedBy,
    PackName,
    TerminationInitiative,
    Visibility,
)


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

    platform: Platform
    reason: Reason


class ShareActivityPlan(GroupCommand):
    """LSE: the group shares its annual activity plan with the engagement team."""

    year: int = Field(ge=2000, le=2100)
    summary: Summary
    reason: Reason | None = None


class ReportAlumniData(GroupCommand):
    """LSE: someone reports that the group keeps its own alumni database or mailing list."""

    kind: AlumniDataKind
    description: Description
    reason: Reason
