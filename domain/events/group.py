"""Facts about a group: its creation, managers, members, lifecycle and reports."""

from __future__ import annotations

from typing import ClassVar

from domain.events.base import LedgerCreated, LedgerEvent
from domain.values import AlumniDataKind, GroupType, ManagedBy, TerminationInitiative, Visibility


class GroupRequested(LedgerCreated):
    slug: str
    name: str
    group_type: GroupType
    managed_by: ManagedBy
    visibility: Visibility
    objectives: str
    membership_criteria: tuple[str, ...]
    proposed_managers: tuple[str, ...]
    policy_pack: str


class GroupApproved(LedgerEvent):
    pass


class GroupRejected(LedgerEvent):
    pass


class ManagerAppointed(LedgerEvent):
    manager_id: str


class ManagerRemoved(LedgerEvent):
    manager_id: str


class MemberJoined(LedgerEvent):
    member_id: str


class MembershipRequested(LedgerEvent):
    member_id: str


class MembershipApproved(LedgerEvent):
    member_id: str
    criterion: str


class MembershipRejected(LedgerEvent):
    member_id: str
    criterion: str


class MembershipRejectionHeld(LedgerEvent):
    """§9: a manager's rejection the screen found uncertain; it waits for the OAR's review.
    ``actor_id``/``reason`` are the manager's; ``grounds`` and ``screening`` say why it was held."""

    introduced_in: ClassVar[int] = 2

    member_id: str
    criterion: str
    grounds: tuple[str, ...]
    screening: str


class MembershipRejectionUpheld(LedgerEvent):
    """§9: the OAR upheld a held rejection (its own reason); the request is rejected."""

    introduced_in: ClassVar[int] = 2

    member_id: str


class MembershipRejectionOverturned(LedgerEvent):
    """§9: the OAR overturned a held rejection (its own reason); the request is pending again."""

    introduced_in: ClassVar[int] = 2

    member_id: str


class MemberLeft(LedgerEvent):
    member_id: str


class TerminationRequested(LedgerEvent):
    pass


class GroupTerminated(LedgerEvent):
    initiative: TerminationInitiative


class GroupDeactivated(LedgerEvent):
    discussed_with_managers: bool
    inactive_days: int


class GroupReactivated(LedgerEvent):
    pass


class SocialMediaSpaceReported(LedgerEvent):
    platform: str


class ActivityPlanShared(LedgerEvent):
    """LSE: the group shared its activity plan for ``year`` with the engagement team."""

    introduced_in: ClassVar[int] = 2

    year: int
    summary: str


class AlumniDataReported(LedgerEvent):
    """LSE: the group was reported to keep its own alumni database or mailing list."""

    introduced_in: ClassVar[int] = 2

    kind: AlumniDataKind
    description: str
