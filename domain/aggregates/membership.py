"""Membership of a group: §8 public joins, §9 moderated requests, leaving."""

from __future__ import annotations

from datetime import datetime

from domain import commands as c
from domain.aggregates.base import applies
from domain.events import group as e


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
        clause = self._enforce(command, at)
        self._record(
            e.MembershipRejected,
            command,
            at,
            clause,
            member_id=command.member,
            criterion=command.criterion,
        )

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

    @applies(e.MemberLeft)
    def _left(self, event: e.MemberLeft) -> None:
        self.members.discard(event.member_id)
