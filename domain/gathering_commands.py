"""Commands about a group's events, their speakers, participants and sponsorships
(§19-§31, Annex 1; ``domain.commands`` re-exports them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import AwareDatetime, Field

from domain.actors import OpaqueId
from domain.command_base import GroupCommand, Money, Reason, Slug, Text
from domain.values import Attendance, Purpose, SponsorSector


class GatheringCommand(GroupCommand):
    gathering: Slug


class ProposeGathering(GatheringCommand):
    title: Text
    starts_at: AwareDatetime
    purpose: Purpose
    connection: Text = Field(description="§21: the event's clear connection to the group")
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
    marks: dict[OpaqueId, Attendance] = Field(min_length=1)
    unregistered_attendees: tuple[OpaqueId, ...] = ()


class SponsorshipCommand(GatheringCommand):
    sponsorship: Slug


class RequestSponsorship(SponsorshipCommand):
    sponsor: Text = Field(description="the sponsoring organisation (not a person)")
    sector: SponsorSector
    bidding_for_cern_contracts: bool
    offers_cern_name_or_logo: bool
    reason: Reason


class ApproveSponsorship(SponsorshipCommand):
    reason: Reason


class RejectSponsorship(SponsorshipCommand):
    reason: Reason
