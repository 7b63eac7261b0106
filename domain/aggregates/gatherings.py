"""A group's gatherings (its events, §20-§24, §30) and their sponsorships (§25, §26)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain import commands as c
from domain.aggregates.base import applies
from domain.aggregates.sponsorships import Sponsorship, Sponsorships
from domain.errors import AlreadyRecorded, NotFound
from domain.events import gathering as e
from domain.values import Attendance, GatheringStatus, Purpose


@dataclass
class Gathering:
    """An entity inside the group: one event from proposal to attendance."""

    slug: str
    title: str
    starts_at: datetime
    purpose: Purpose
    under_18_audience: bool
    fee_per_participant: Decimal
    cost_per_participant: Decimal
    proposed_at: datetime
    status: GatheringStatus = GatheringStatus.PROPOSED
    approved_on: date | None = None
    listed_on: date | None = None
    lead_days: int | None = None
    speakers: dict[str, str] = field(default_factory=dict)
    participants: set[str] = field(default_factory=set)
    attendance: dict[str, Attendance] = field(default_factory=dict)
    unregistered_attendees: tuple[str, ...] = ()
    attendance_recorded: bool = False
    sponsorships: dict[str, Sponsorship] = field(default_factory=dict)


_PROPOSAL_FIELDS = {
    "title", "starts_at", "purpose", "connection", "for_financial_gain", "political",
    "fee_per_participant", "cost_per_participant", "under_18_audience",
}  # fmt: skip


class Gatherings(Sponsorships):
    """Mixin of :class:`domain.aggregates.group.Group`: gathering commands and state."""

    def gathering(self, slug: str) -> Gathering:
        try:
            return self.gatherings[slug]
        except KeyError:
            raise NotFound("event", f"{slug} in group {self.slug}") from None

    def propose_gathering(self, command: c.ProposeGathering, at: datetime) -> None:
        if command.gathering in self.gatherings:
            raise AlreadyRecorded(f"event {command.gathering} already exists in group {self.slug}")
        clause = self._enforce(command, at)
        fields = command.model_dump(include=_PROPOSAL_FIELDS)
        self._record(e.GatheringProposed, command, at, clause, gathering=command.gathering, **fields)

    def approve_gathering(self, command: c.ApproveGathering, at: datetime) -> None:
        self._gathering_event(e.GatheringApproved, command, at)

    def reject_gathering(self, command: c.RejectGathering, at: datetime) -> None:
        self._gathering_event(e.GatheringRejected, command, at)

    def list_gathering(self, command: c.ListGathering, at: datetime) -> None:
        lead = (self.gathering(command.gathering).starts_at.date() - command.listed_on).days
        self._gathering_event(
            e.GatheringListed, command, at, listed_on=command.listed_on, lead_days=lead
        )

    def propose_speaker(self, command: c.ProposeSpeaker, at: datetime) -> None:
        self._gathering_event(e.SpeakerProposed, command, at, speaker_id=command.speaker)

    def approve_speaker(self, command: c.ApproveSpeaker, at: datetime) -> None:
        self._gathering_event(e.SpeakerApproved, command, at, speaker_id=command.speaker)

    def reject_speaker(self, command: c.RejectSpeaker, at: datetime) -> None:
        self._gathering_event(e.SpeakerRejected, command, at, speaker_id=command.speaker)

    def register_participant(self, command: c.RegisterParticipant, at: datetime) -> None:
        self._gathering_event(e.ParticipantRegistered, command, at, member_id=command.member)

    def record_attendance(self, command: c.RecordAttendance, at: datetime) -> None:
        marks = command.marks
        self._gathering_event(
            e.AttendanceRecorded,
            command,
            at,
            attended=tuple(sorted(m for m, a in marks.items() if a is Attendance.ATTENDED)),
            did_not_attend=tuple(sorted(set(marks) - {m for m, a in marks.items() if a is Attendance.ATTENDED})),
            unregistered_attendees=tuple(sorted(set(command.unregistered_attendees))),
        )

    def _gathering_event(self, event_class, command: c.GatheringCommand, at: datetime, **fields) -> None:
        gathering = self.gathering(command.gathering)
        clause = self._enforce(command, at, gathering=gathering)
        self._record(event_class, command, at, clause, gathering=command.gathering, **fields)

    @applies(e.GatheringProposed)
    def _proposed(self, event: e.GatheringProposed) -> None:
        self.gatherings[event.gathering] = Gathering(
            slug=event.gathering,
            title=event.title,
            starts_at=event.starts_at,
            purpose=event.purpose,
            under_18_audience=event.under_18_audience,
            fee_per_participant=event.fee_per_participant,
            cost_per_participant=event.cost_per_participant,
            proposed_at=event.timestamp,
        )
        self.last_activity = event.timestamp

    @applies(e.GatheringApproved)
    def _gathering_approved(self, event: e.GatheringApproved) -> None:
        gathering = self.gatherings[event.gathering]
        gathering.status, gathering.approved_on = GatheringStatus.APPROVED, event.timestamp.date()

    @applies(e.GatheringRejected)
    def _gathering_rejected(self, event: e.GatheringRejected) -> None:
        self.gatherings[event.gathering].status = GatheringStatus.REJECTED

    @applies(e.GatheringListed)
    def _listed(self, event: e.GatheringListed) -> None:
        gathering = self.gatherings[event.gathering]
        gathering.status, gathering.listed_on = GatheringStatus.LISTED, event.listed_on
        gathering.lead_days = event.lead_days

    @applies(e.SpeakerProposed)
    def _speaker_proposed(self, event: e.SpeakerProposed) -> None:
        self.gatherings[event.gathering].speakers[event.speaker_id] = "proposed"

    @applies(e.SpeakerApproved)
    def _speaker_approved(self, event: e.SpeakerApproved) -> None:
        self.gatherings[event.gathering].speakers[event.speaker_id] = "approved"

    @applies(e.SpeakerRejected)
    def _speaker_rejected(self, event: e.SpeakerRejected) -> None:
        self.gatherings[event.gathering].speakers[event.speaker_id] = "rejected"

    @applies(e.ParticipantRegistered)
    def _registered(self, event: e.ParticipantRegistered) -> None:
        self.gatherings[event.gathering].participants.add(event.member_id)

    @applies(e.AttendanceRecorded)
    def _attendance(self, event: e.AttendanceRecorded) -> None:
        gathering = self.gatherings[event.gathering]
        gathering.attendance = {m: Attendance.ATTENDED for m in event.attended}
        gathering.attendance |= {m: Attendance.DID_NOT_ATTEND for m in event.did_not_attend}
        gathering.unregistered_attendees = event.unregistered_attendees
        gathering.attendance_recorded, gathering.status = True, GatheringStatus.HELD
        self.last_activity = event.timestamp
