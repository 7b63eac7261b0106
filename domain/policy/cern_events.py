"""CERN rules about group events: relevance (§20, §21), speakers (§22), fees (§24),
participants (§19, §30)."""

from __future__ import annotations

from domain.policy.base import Rule, Situation, cern


class EventIsRelevant(Rule):
    """§20, §21: a clear connection to the group and a scientific, technological,
    community-building or CERN-related purpose; not for financial gain or political ends."""

    name, clause = "relevant-event", cern("§20, §21")

    def check(self, situation: Situation) -> None:
        command = situation.command
        if len(command.connection.split()) < 3:
            self.refuse("the event's connection to the group must be stated (§21)")
        if command.for_financial_gain:
            self.refuse("an event may not be organised for financial gain (§20, §21)")
        if command.political:
            self.refuse("an event may not be organised for political ends (§13, §21)")


class FeeAtCost(Rule):
    """§24: a participation fee must not exceed the at-cost price per participant."""

    name, clause = "fee-at-cost", cern("§24")

    def check(self, situation: Situation) -> None:
        command = situation.command
        if command.fee_per_participant > command.cost_per_participant:
            self.refuse(
                f"fee {command.fee_per_participant} exceeds the at-cost price "
                f"{command.cost_per_participant} per participant"
            )


class EventInFuture(Rule):
    name, clause = "event-proposed-ahead", cern("§20")

    def check(self, situation: Situation) -> None:
        if situation.command.starts_at <= situation.at:
            self.refuse("an event must be proposed, and approved, before it takes place")


class SpeakerProposedOnce(Rule):
    name, clause = "speaker-proposed-once", cern("§22")

    def check(self, situation: Situation) -> None:
        speaker = situation.command.speaker
        if speaker in situation.gathering.speakers:
            self.refuse(f"speaker {speaker} is already proposed for this event")


class SpeakerAwaitsDecision(Rule):
    name, clause = "speaker-awaits-decision", cern("§22")

    def check(self, situation: Situation) -> None:
        speaker = situation.command.speaker
        status = situation.gathering.speakers.get(speaker)
        if status != "proposed":
            state = status or "not proposed"
            self.refuse(f"speaker {speaker} is {state}, not awaiting a decision")


class ParticipantIsMember(Rule):
    """§19: event participants must be signed up as members of the group."""

    name, clause = "participants-are-members", cern("§19")

    def check(self, situation: Situation) -> None:
        member, group = situation.command.member, situation.group
        if member not in group.members:
            self.refuse(f"{member} is not a member of group {group.slug}: they must join first")
        if member in situation.gathering.participants:
            self.refuse(f"{member} is already registered for this event")


class AttendanceOfRegistered(Rule):
    """§30, Annex 1: registered participants are marked attended or did not attend;
    anyone else goes in the unregistered attendees list."""

    name, clause = "attendance-of-registered", cern("§30, Annex 1")

    def check(self, situation: Situation) -> None:
        registered = situation.gathering.participants
        strangers = sorted(set(situation.command.marks) - registered)
        if strangers:
            self.refuse(
                f"not registered for this event: {', '.join(strangers)}; "
                "log them as unregistered attendees"
            )
        if situation.gathering.attendance_recorded:
            self.refuse("attendance for this event is already recorded")


class ListingNotBackdated(Rule):
    """Annex 1: the listing date is when it happened, not earlier than recorded."""

    name, clause = "listing-not-backdated", cern("Annex 1")

    def check(self, situation: Situation) -> None:
        listed_on = situation.command.listed_on
        if listed_on > situation.at.date():
            self.refuse(f"listed-on {listed_on} is in the future")
        if listed_on < situation.gathering.approved_on:
            self.refuse(f"listed-on {listed_on} is before the OAR approved the event")
