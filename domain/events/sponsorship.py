"""Facts about a sponsorship of a group event (§25, §26), with its screening result."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.events.base import LedgerEvent
from domain.values import SponsorSector


class ScreeningFinding(BaseModel):
    """One §26 check and whether the sponsorship passed it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    rule: str
    clause: str
    passed: bool


class SponsorshipRequested(LedgerEvent):
    gathering: str
    sponsorship: str
    sponsor: str
    sector: SponsorSector
    bidding_for_cern_contracts: bool
    offers_cern_name_or_logo: bool
    screening: tuple[ScreeningFinding, ...]


class SponsorshipApproved(LedgerEvent):
    gathering: str
    sponsorship: str
    screening: tuple[ScreeningFinding, ...]


class SponsorshipRejected(LedgerEvent):
    gathering: str
    sponsorship: str
    screening: tuple[ScreeningFinding, ...]
