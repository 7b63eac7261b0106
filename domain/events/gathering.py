"""Facts about a group's events, called "gatherings" so that "event" keeps meaning a
ledger fact: approval, listing, speakers, participants and attendance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.events.base import LedgerEvent
from domain.values import Purpose


class GatheringProposed(LedgerEvent):
    gathering: str
    title: str
    starts_at: datetime
    purpose: Purpose
    connection: str
    for_financial_gain: bool
    political: bool
    fee_per_participant: Decimal
    cost_per_participant: Decimal
    under_18_audience: bool


class GatheringApproved(LedgerEvent):
    gathering: str


class GatheringRejected(LedgerEvent):
    gathering: str


class GatheringListed(LedgerEvent):
    gathering: str
    listed_on: date
    lead_days: int


class SpeakerProposed(LedgerEvent):
    gathering: str
    speaker_id: str


class SpeakerApproved(LedgerEvent):
    gathering: str
    speaker_id: str


class SpeakerRejected(LedgerEvent):
    gathering: str
    speaker_id: str


class ParticipantRegistered(LedgerEvent):
    gathering: str
    member_id: str


class AttendanceRecorded(LedgerEvent):
    gathering: str
    attended: tuple[str, ...]
    did_not_attend: tuple[str, ...]
    unregistered_attendees: tuple[str, ...]
