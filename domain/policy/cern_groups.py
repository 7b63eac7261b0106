"""CERN rules about groups: managers (§7), membership (§8, §9), objectives (§15), §19, §32."""

from __future__ import annotations

import re

from domain.policy.base import Rule, Situation, cern
from domain.values import GroupStatus, TerminationInitiative, Visibility

MIN_MANAGERS, MAX_MANAGERS = 2, 3


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


# Words that reveal grounds the CERN Diversity Policy prohibits (§9). Matched as word
# stems in the reason or criteria text; a keyword screen, so it flags the obvious.
PROHIBITED_GROUNDS = {
    "profession": r"profession|occupation|\bjobs?\b|\bcareer",
    "nationality": r"\bnational|citizen|passport|\bcountr",
    "culture": r"\bcultur|multicultur|ethnic|religio|\brac(?:e|es|ial|ism|ist)\b",
    "age": r"\bage\b|\baged\b|too old|too young|years old",
    "generation": r"generation|boomer|millennial",
    "gender": r"gender|\bsex\b|\bmale\b|\bfemale\b|\bwomen\b|\bmen\b|\bwoman\b|\bman\b",
    "individual preferences": r"preference|orientation|lifestyle",
}


def prohibited_grounds_in(text: str) -> list[str]:
    lowered = text.lower()
    return [ground for ground, pattern in PROHIBITED_GROUNDS.items() if re.search(pattern, lowered)]


class NoDiscriminatoryGrounds(Rule):
    """§9: a rejection on grounds of profession, nationality, culture, age, generation,
    gender or individual preferences is prohibited."""

    name, clause = "no-discriminatory-grounds", cern("§9 (CERN Diversity Policy)")

    def check(self, situation: Situation) -> None:
        command = situation.command
        texts = [getattr(command, "reason", "") or "", getattr(command, "criterion", "") or ""]
        texts += list(getattr(command, "membership_criteria", ()))
        found = sorted({g for text in texts for g in prohibited_grounds_in(text)})
        if found:
            self.refuse(f"grounds prohibited by the CERN Diversity Policy: {', '.join(found)}")


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
