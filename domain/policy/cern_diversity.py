"""CERN-AG §9: membership decisions against the group's criteria, never on prohibited grounds.

"The relevant Group Manager then moderates the request and may decide to accept or reject
it against the objective criteria governing membership of the group, although decisions
that contravene CERN's Diversity Policy (i.e. discrimination on the grounds of profession,
nationality, culture, age, generation, gender or individual preferences) are strictly
prohibited."

The screen (``domain.screening``) has three outcomes. A clear breach is refused; a clear
text passes; an uncertain rejection is *held* for the OAR, who upholds or overturns it.
"""

from __future__ import annotations

from domain.errors import HeldForReview
from domain.policy.base import Rule, Situation, cern
from domain.screening.screen import DiscriminationScreen, Outcome

SCREEN = DiscriminationScreen()
DIVERSITY = cern("§9 (CERN Diversity Policy)")


def _texts(command: object) -> list[str]:
    texts = [getattr(command, "reason", "") or "", getattr(command, "criterion", "") or ""]
    return texts + list(getattr(command, "membership_criteria", ()))


class NoDiscriminatoryGrounds(Rule):
    """§9: refuse a clear breach; with ``hold_uncertain`` (rejections), hold an uncertain
    one for the OAR's review. Must be the last rule of its command: holding stops the rules."""

    name, clause = "no-discriminatory-grounds", DIVERSITY

    def __init__(self, *, hold_uncertain: bool = False) -> None:
        self.hold_uncertain = hold_uncertain

    def check(self, situation: Situation) -> None:
        screening = SCREEN.screen(*_texts(situation.command))
        if screening.outcome is Outcome.PROHIBITED:
            self.refuse(f"grounds prohibited by the CERN Diversity Policy: {screening.describe()}")
        if screening.outcome is Outcome.HELD and self.hold_uncertain:
            raise HeldForReview(self.name, self.clause, screening.grounds, screening.describe())


class HasHeldRejection(Rule):
    """§9: the OAR reviews only a rejection that is held for its review."""

    name, clause = "review-held-rejections-only", DIVERSITY

    def check(self, situation: Situation) -> None:
        group, member = situation.group, situation.command.member
        if member not in group.held_rejections:
            self.refuse(f"no rejection of {member} is held for review in group {group.slug}")
