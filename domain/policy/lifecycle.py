"""Lifecycle rules: what state an aggregate must be in for a command (§11, §14, §16, §32)."""

from __future__ import annotations

from domain.policy.base import Rule, Situation
from domain.values import GatheringStatus, GroupStatus


class GroupNotTerminated(Rule):
    """§14, §32: a terminated group accepts no further commands."""

    name = "terminated-group-is-closed"

    def __init__(self, clause: str) -> None:
        self.clause = clause

    def check(self, situation: Situation) -> None:
        if situation.group.status is GroupStatus.TERMINATED:
            self.refuse(f"group {situation.group.slug} is terminated and accepts no commands")


class GroupIn(Rule):
    """The group must be in one of the given statuses."""

    def __init__(self, name: str, clause: str, *statuses: GroupStatus) -> None:
        self.name, self.clause, self.statuses = name, clause, statuses

    def check(self, situation: Situation) -> None:
        group = situation.group
        if group.status not in self.statuses:
            wanted = " or ".join(s.value for s in self.statuses)
            self.refuse(f"group {group.slug} is {group.status.value}, not {wanted}")


class GatheringIn(Rule):
    """The group event must be in one of the given statuses."""

    def __init__(self, name: str, clause: str, *statuses: GatheringStatus) -> None:
        self.name, self.clause, self.statuses = name, clause, statuses

    def check(self, situation: Situation) -> None:
        gathering = situation.gathering
        if gathering.status not in self.statuses:
            wanted = " or ".join(s.value for s in self.statuses)
            self.refuse(f"event {gathering.slug} is {gathering.status.value}, not {wanted}")


class SponsorshipPending(Rule):
    name = "sponsorship-awaits-decision"

    def __init__(self, clause: str) -> None:
        self.clause = clause

    def check(self, situation: Situation) -> None:
        if situation.sponsorship.status != "requested":
            self.refuse(f"sponsorship {situation.sponsorship.slug} was already decided")


class BeforeGatheringStarts(Rule):
    """Approvals that must come beforehand (§22 speakers, §25 prior consent)."""

    def __init__(self, name: str, clause: str) -> None:
        self.name, self.clause = name, clause

    def check(self, situation: Situation) -> None:
        if situation.at >= situation.gathering.starts_at:
            self.refuse(f"event {situation.gathering.slug} has already started")


class AfterGatheringStarts(Rule):
    name = "attendance-after-the-event"

    def __init__(self, clause: str) -> None:
        self.clause = clause

    def check(self, situation: Situation) -> None:
        if situation.at < situation.gathering.starts_at:
            self.refuse(f"event {situation.gathering.slug} has not taken place yet")
