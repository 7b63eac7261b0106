"""Facts about a group: its creation, managers, members, lifecycle and reports."""

from __future__ import annotations

from domain.events.base import LedgerCreated, LedgerEvent
from domain.values import GroupType, ManagedBy, TerminationInitiative, Visibility


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
