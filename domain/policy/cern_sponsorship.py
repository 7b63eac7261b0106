"""CERN rules about sponsorship: prior consent (§25) and screening (§26)."""

from __future__ import annotations

from abc import abstractmethod

from domain.events.sponsorship import ScreeningFinding
from domain.policy.base import Rule, Situation, cern
from domain.values import SponsorSector


class ScreeningRule(Rule):
    """A §26 check; ``passes`` says whether the sponsorship passes it."""

    message = ""

    @abstractmethod
    def passes(self, situation: Situation) -> bool:
        """Whether the sponsorship passes this check."""

    def check(self, situation: Situation) -> None:
        if not self.passes(situation):
            self.refuse(self.message)

    def finding(self, situation: Situation) -> ScreeningFinding:
        return ScreeningFinding(rule=self.name, clause=self.clause, passed=self.passes(situation))


def _offer(situation: Situation):  # the sponsorship facts: command on request, aggregate after
    return situation.sponsorship or situation.command


class NotBiddingForCernContracts(ScreeningRule):
    name, clause = "sponsor-not-bidding", cern("§26")
    message = "the sponsor is currently bidding for CERN contracts"

    def passes(self, situation: Situation) -> bool:
        return not _offer(situation).bidding_for_cern_contracts


class NoWeaponsOrTobacco(ScreeningRule):
    name, clause = "no-weapons-or-tobacco-sponsor", cern("§26")
    message = "no sponsorship from the weapons, armaments, military or tobacco industries"

    def passes(self, situation: Situation) -> bool:
        return _offer(situation).sector not in (SponsorSector.WEAPONS, SponsorSector.TOBACCO)


class NoAlcoholForUnder18(ScreeningRule):
    name, clause = "no-alcohol-sponsor-for-under-18s", cern("§26")
    message = "no alcohol sponsorship for an event targeted at under-18s"

    def passes(self, situation: Situation) -> bool:
        alcohol = _offer(situation).sector is SponsorSector.ALCOHOL
        return not (alcohol and situation.gathering.under_18_audience)


class NoCernNameOffered(ScreeningRule):
    name, clause = "no-cern-name-or-logo-offered", cern("§26")
    message = "CERN's name, logo or acronym may not be offered to a sponsor"

    def passes(self, situation: Situation) -> bool:
        return not _offer(situation).offers_cern_name_or_logo


SCREENING: tuple[ScreeningRule, ...] = (
    NotBiddingForCernContracts(),
    NoWeaponsOrTobacco(),
    NoAlcoholForUnder18(),
    NoCernNameOffered(),
)


def screen(situation: Situation) -> tuple[ScreeningFinding, ...]:
    """The §26 screening result recorded with every sponsorship event."""
    return tuple(rule.finding(situation) for rule in SCREENING)


class SponsorshipForApprovedEvent(Rule):
    """§25: sponsorship is sought for an event the OAR has approved."""

    name, clause = "sponsorship-for-approved-event", cern("§20, §25")

    def check(self, situation: Situation) -> None:
        if situation.gathering.status.value not in ("approved", "listed"):
            self.refuse(f"event {situation.gathering.slug} is not approved by the OAR")


class OneSponsorshipPerRef(Rule):
    name, clause = "sponsorship-recorded-once", cern("§25")

    def check(self, situation: Situation) -> None:
        if situation.sponsorship is not None:
            self.refuse(f"sponsorship {situation.sponsorship.slug} is already recorded")
