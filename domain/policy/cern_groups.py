"""CERN rules about groups: managers (§7), membership (§8, §9), objectives (§15), §19, §32.

The §9 diversity screen is in ``cern_diversity``.
"""

from __future__ import annotations

import re
from datetime import timedelta

from domain.policy.base import Rule, Situation, cern
from domain.values import DeactivationGround, GroupStatus, TerminationInitiative, Visibility

MIN_MANAGERS, MAX_MANAGERS = 2, 3
INACTIVE_FOR = timedelta(days=365)
CERN_CLAUSE = re.compile(r"^(§([1-9]|[12][0-9]|3[0-2])|Annex [12])$")


class ManagerLimitOnAppointment(Rule):
    """§7: no more than three managers; appointing a fourth is refused."""

    name, clause = "at-most-three-managers", cern("§7")

    def check(self, situation: Situation) -> None:
        group, manager = situation.group, situation.command.manager
        if manager in group.managers:
            self.refuse(f"{manager} already manages group {group.slug}")
        if len(group.managers) >= MAX_MANAGERS:
            self.refuse(f"group {group.slug} already has {MAX_MANAGERS} managers")


class ManagerLimitOnRemoval(Rule):
    """§7: an active group keeps at least two managers; removing the second is refused."""

    name, clause = "at-least-two-managers", cern("§7")

    def check(self, situation: Situation) -> None:
        group, manager = situation.group, situation.command.manager
        if manager not in group.managers:
            self.refuse(f"{manager} is not a manager of group {group.slug}")
        if group.status is GroupStatus.ACTIVE and len(group.managers) <= MIN_MANAGERS:
            self.refuse(f"group {group.slug} would have fewer than {MIN_MANAGERS} managers")


class EnoughManagersToActivate(Rule):
    """§7: a group cannot be approved or reactivated with fewer than two managers."""

    name, clause = "two-managers-to-activate", cern("§7")

    def check(self, situation: Situation) -> None:
        group = situation.group
        if len(group.managers) < MIN_MANAGERS:
            self.refuse(
                f"group {group.slug} has {len(group.managers)} manager(s); "
                f"at least {MIN_MANAGERS} are required"
            )


class ObjectivesDefined(Rule):
    """§15, §16: a group request states its objectives; a private group its criteria (§9)."""

    name, clause = "objectives-and-criteria-defined", cern("§9, §15")

    def check(self, situation: Situation) -> None:
        command = situation.command
        if len(command.objectives.split()) < 3:
            self.refuse("objectives must be stated in a sentence (§15)")
        if command.visibility is Visibility.PRIVATE and not command.membership_criteria:
            self.refuse("a private group must declare its objective membership criteria (§9)")


class PublicGroupOnly(Rule):
    """§8: joining at once, without moderation, is for public groups only."""

    name, clause = "join-public-groups-only", cern("§8, §9")

    def check(self, situation: Situation) -> None:
        group = situation.group
        if group.visibility is not Visibility.PUBLIC:
            self.refuse(f"group {group.slug} is private: request to join instead (§9)")


class PrivateGroupOnly(Rule):
    """§9: requests awaiting moderation are for private groups only."""

    name, clause = "requests-for-private-groups-only", cern("§8, §9")

    def check(self, situation: Situation) -> None:
        group = situation.group
        if group.visibility is not Visibility.PRIVATE:
            self.refuse(f"group {group.slug} is public: join it directly (§8)")


class NotAlreadyMemberOrPending(Rule):
    """§9: one request at a time; a member cannot ask again."""

    name = "no-duplicate-membership"

    def __init__(self, clause: str = cern("§7, §9")) -> None:
        self.clause = clause

    def check(self, situation: Situation) -> None:
        group, member = situation.group, situation.command.actor.id
        if member in group.members:
            self.refuse(f"{member} is already a member of group {group.slug}")
        if member in group.pending_requests:
            self.refuse(f"{member} already has a pending request for group {group.slug}")
        if member in getattr(group, "held_rejections", {}):
            self.refuse(f"the rejection of {member}'s request is held for the OAR's review (§9)")


class IsMember(Rule):
    name, clause = "only-members-leave", cern("§7")

    def check(self, situation: Situation) -> None:
        group, member = situation.group, situation.command.actor.id
        if member not in group.members:
            self.refuse(f"{member} is not a member of group {group.slug}")


class HasPendingRequest(Rule):
    name, clause = "decide-pending-requests-only", cern("§9")

    def check(self, situation: Situation) -> None:
        group, member = situation.group, situation.command.member
        if member in getattr(group, "held_rejections", {}):
            self.refuse(f"the rejection of {member} is held for the OAR's review (§9)")
        if member not in group.pending_requests:
            self.refuse(f"{member} has no pending request for group {group.slug}")


class CitesGroupCriterion(Rule):
    """§9: a moderation decision is taken against the group's objective criteria."""

    name, clause = "decision-cites-group-criteria", cern("§9")

    def check(self, situation: Situation) -> None:
        group, criterion = situation.group, situation.command.criterion
        if criterion not in group.membership_criteria:
            declared = "; ".join(group.membership_criteria)
            self.refuse(f"criterion {criterion!r} is not one of the group's criteria: {declared}")


class TerminationGrounds(Rule):
    """§32: at the managers' request (which must exist) or on the OAR's own initiative."""

    name, clause = "termination-grounds", cern("§14, §32")

    def check(self, situation: Situation) -> None:
        group, initiative = situation.group, situation.command.initiative
        if initiative is TerminationInitiative.MANAGERS_REQUEST and not group.termination_requested:
            self.refuse(f"the managers of group {group.slug} have not requested termination")


class NoPendingTerminationRequest(Rule):
    name, clause = "one-termination-request", cern("§32")

    def check(self, situation: Situation) -> None:
        if situation.group.termination_requested:
            self.refuse(f"termination of group {situation.group.slug} is already requested")


class DeactivationGrounds(Rule):
    """§19: "Groups that remain inactive for over one year risk being de-activated by the
    OAR": inactivity is measured from the group's last activity in the ledger; any other
    ground must cite a clause of these guidelines."""

    name, clause = "deactivation-grounds", cern("§19")

    def check(self, situation: Situation) -> None:
        command, group = situation.command, situation.group
        if command.ground is DeactivationGround.OTHER:
            unknown = [c for c in re.split(r", ?", command.other_clause) if not CERN_CLAUSE.match(c)]
            if unknown:
                self.refuse(f"{', '.join(unknown)} is not a clause of the CERN guidelines (§1-§32, Annex 1-2)")
            return
        idle = situation.at - group.last_activity
        if idle <= INACTIVE_FOR:
            self.refuse(
                f"group {group.slug} was last active on {group.last_activity.date()} ({idle.days} days ago): "
                "§19 allows deactivation after over a year of inactivity; for another ground, cite its clause"
            )
