"""Sponsorship of a group's gathering: requested, screened (§26), decided by the OAR (§25)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import commands as c
from domain.aggregates.base import applies
from domain.errors import NotFound
from domain.events import sponsorship as e
from domain.policy.base import Situation
from domain.policy.cern_sponsorship import screen
from domain.values import SponsorSector


@dataclass
class Sponsorship:
    """An entity inside a gathering; its screening is recomputed at decision time."""

    slug: str
    sponsor: str
    sector: SponsorSector
    bidding_for_cern_contracts: bool
    offers_cern_name_or_logo: bool
    status: str = "requested"


class Sponsorships:
    """Mixin of :class:`domain.aggregates.group.Group`: sponsorship commands and state."""

    def sponsorship(self, gathering: str, slug: str) -> Sponsorship:
        try:
            return self.gathering(gathering).sponsorships[slug]
        except KeyError:
            raise NotFound("sponsorship", f"{slug} of event {gathering}") from None

    def request_sponsorship(self, command: c.RequestSponsorship, at: datetime) -> None:
        gathering = self.gathering(command.gathering)
        existing = gathering.sponsorships.get(command.sponsorship)
        clause = self._enforce(command, at, gathering=gathering, sponsorship=existing)
        self._record(
            e.SponsorshipRequested,
            command,
            at,
            clause,
            gathering=command.gathering,
            sponsorship=command.sponsorship,
            screening=screen(Situation(command, at, self, gathering)),
            **command.model_dump(
                include={"sponsor", "sector", "bidding_for_cern_contracts", "offers_cern_name_or_logo"}
            ),
        )

    def approve_sponsorship(self, command: c.ApproveSponsorship, at: datetime) -> None:
        self._sponsorship_decision(e.SponsorshipApproved, command, at)

    def reject_sponsorship(self, command: c.RejectSponsorship, at: datetime) -> None:
        self._sponsorship_decision(e.SponsorshipRejected, command, at)

    def _sponsorship_decision(self, event_class, command: c.SponsorshipCommand, at: datetime) -> None:
        gathering = self.gathering(command.gathering)
        sponsorship = self.sponsorship(command.gathering, command.sponsorship)
        situation = Situation(command, at, self, gathering, sponsorship)
        clause = self._enforce(command, at, gathering=gathering, sponsorship=sponsorship)
        self._record(
            event_class,
            command,
            at,
            clause,
            gathering=command.gathering,
            sponsorship=command.sponsorship,
            screening=screen(situation),
        )

    @applies(e.SponsorshipRequested)
    def _sponsorship_requested(self, event: e.SponsorshipRequested) -> None:
        self.gatherings[event.gathering].sponsorships[event.sponsorship] = Sponsorship(
            slug=event.sponsorship,
            sponsor=event.sponsor,
            sector=event.sector,
            bidding_for_cern_contracts=event.bidding_for_cern_contracts,
            offers_cern_name_or_logo=event.offers_cern_name_or_logo,
        )

    @applies(e.SponsorshipApproved)
    def _sponsorship_approved(self, event: e.SponsorshipApproved) -> None:
        self.gatherings[event.gathering].sponsorships[event.sponsorship].status = "approved"

    @applies(e.SponsorshipRejected)
    def _sponsorship_rejected(self, event: e.SponsorshipRejected) -> None:
        self.gatherings[event.gathering].sponsorships[event.sponsorship].status = "rejected"
