"""Membership of a group: §8 public joins, §9 moderated requests, leaving."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.aggregates.base import applies
from domain.errors import HeldForReview
from domain.events import group as e
from domain.held_rejection import HeldRejection


class Membership:
    """Mixin of :class:`domain.aggregates.group.Group`: membership commands and state."""

    def join(self, command: c.JoinGroup, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.MemberJoined, command, at, clause, member_id=command.actor.id)

    def request_membership(self, command: c.RequestMembership, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.MembershipRequested, command, at, clause, member_id=command.actor.id)

    def approve_membership(self, command: c.ApproveMembership, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(
            e.MembershipApproved,
            command,
            at,
            clause,
            member_id=command.member,
            criterion=command.criterion,
        )

    def reject_membership(self, command: c.RejectMembership, at: datetime) -> None:
        """Recorded as taken, or, when the §9 screen is uncertain, as held for the OAR."""
        try:
            clause = self._enforce(command, at)
        except HeldForReview as held:
            self._record(
                e.MembershipRejectionHeld, command, at, held.clause, member_id=command.member,
                criterion=command.criterion, grounds=held.grounds, screening=held.evidence,
            )  # fmt: skip
            return
        self._record(
            e.MembershipRejected,
            command,
            at,
            clause,
            member_id=command.member,
            criterion=command.criterion,
        )

    def uphold_rejection(self, command: c.UpholdRejection, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.MembershipRejectionUpheld, command, at, clause, member_id=command.member)

    def overturn_rejection(self, command: c.OverturnRejection, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.MembershipRejectionOverturned, command, at, clause, member_id=command.member)

    def leave(self, command: c.LeaveGroup, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.MemberLeft, command, at, clause, member_id=command.actor.id)

    @applies(e.MemberJoined)
    def _joined(self, event: e.MemberJoined) -> None:
        self.members.add(event.member_id)
        self.last_activity = event.timestamp

    @applies(e.MembershipRequested)
    def _membership_requested(self, event: e.MembershipRequested) -> None:
        self.pending_requests[event.member_id] = event.timestamp

    @applies(e.MembershipApproved)
    def _membership_approved(self, event: e.MembershipApproved) -> None:
        del self.pending_requests[event.member_id]
        self.members.add(event.member_id)
        self.last_activity = event.timestamp

    @applies(e.MembershipRejected)
    def _membership_rejected(self, event: e.MembershipRejected) -> None:
        del self.pending_requests[event.member_id]

    @applies(e.MembershipRejectionHeld)
    def _rejection_held(self, event: e.MembershipRejectionHeld) -> None:
        self.held_rejections[event.member_id] = HeldRejection(
            requested_at=self.pending_requests.pop(event.member_id), held_at=event.timestamp,
            held_by=event.actor_id, criterion=event.criterion, grounds=event.grounds,
        )  # fmt: skip

    @applies(e.MembershipRejectionUpheld)
    def _rejection_upheld(self, event: e.MembershipRejectionUpheld) -> None:
        del self.held_rejections[event.member_id]

    @applies(e.MembershipRejectionOverturned)
    def _rejection_overturned(self, event: e.MembershipRejectionOverturned) -> None:
        held = self.held_rejections.pop(event.member_id)
        self.pending_requests[event.member_id] = held.requested_at

    @applies(e.MemberLeft)
    def _left(self, event: e.MemberLeft) -> None:
        self.members.discard(event.member_id)
