"""Commands about a group's events, their speakers, participants and sponsorships
(§19-§31, Annex 1; ``domain.commands`` re-exports them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import AwareDatetime, Field

from domain.command_base import GroupCommand
from domain.fields import Connection, Money, OpaqueId, Reason, Slug, Sponsor, Title, bounded_list, bounded_marks
from domain.values import Attendance, Purpose, SponsorSector


class GatheringCommand(GroupCommand):
    gathering: Slug


class ProposeGathering(GatheringCommand):
    title: Title
    starts_at: AwareDatetime
    purpose: Purpose
    connection: Connection = Field(description="§21: the event's clear connection to the group")
    for_financial_gain: bool = False
    political: bool = False
    fee_per_participant: Money = Decimal("0")
    cost_per_participant: Money = Decimal("0")
    under_18_audience: bool = False


class ApproveGathering(GatheringCommand):
    reason: Reason


class RejectGathering(GatheringCommand):
    reason: Reason


class ListGathering(GatheringCommand):
    listed_on: date


class ProposeSpeaker(GatheringCommand):
    speaker: OpaqueId


class ApproveSpeaker(GatheringCommand):
    speaker: OpaqueId
    reason: Reason


class RejectSpeaker(GatheringCommand):
    speaker: OpaqueId
    reason: Reason


class RegisterParticipant(GatheringCommand):
    member: OpaqueId


class RecordAttendance(GatheringCommand):
    marks: bounded_marks(OpaqueId, Attendance, "marks")  # type: ignore[valid-type]
    unregistered_attendees: bounded_list(OpaqueId, "unregistered_attendees") = ()  # type: ignore[valid-type]


class SponsorshipCommand(GatheringCommand):
    sponsorship: Slug


class RequestSponsorship(SponsorshipCommand):
    sponsor: Sponsor = Field(description="the sponsoring organisation (not a person)")
    sector: SponsorSector
    bidding_for_cern_contracts: bool
    offers_cern_name_or_logo: bool
    reason: Reason


class ApproveSponsorship(SponsorshipCommand):
    reason: Reason


class RejectSponsorship(SponsorshipCommand):
    reason: Reason
