"""Read-side helpers over the event store: a group's state and history as plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.aggregates.group import Group
from domain.compliance import Flag, evaluate
from domain.events.base import LedgerEvent, payload_of
from domain.policy.registry import policy_pack


def group_state(group: Group, on: datetime) -> dict[str, Any]:
    """The current state of a group, with the compliance flags of its pack on ``on``."""
    return {
        "group": group.slug,
        "id": group.id,
        "name": group.name,
        "status": group.status,
        "type": group.group_type,
        "managed_by": group.managed_by,
        "visibility": group.visibility,
        "policy_pack": group.policy_pack,
        "objectives": group.objectives,
        "membership_criteria": list(group.membership_criteria),
        "managers": sorted(group.managers),
        "members": sorted(group.members),
        "pending_requests": {m: at for m, at in sorted(group.pending_requests.items())},
        "termination_requested": group.termination_requested,
        "last_activity": group.last_activity,
        "version": group.version,
        "events": [_gathering(g) for g in group.gatherings.values()],
        "compliance_flags": compliance_flags(group, on),
    }


def compliance_flags(group: Group, on: datetime) -> list[Flag]:
    return evaluate(policy_pack(group.policy_pack).flags, group, on)


def _gathering(gathering: Any) -> dict[str, Any]:
    return {
        "event": gathering.slug,
        "title": gathering.title,
        "starts_at": gathering.starts_at,
        "status": gathering.status,
        "purpose": gathering.purpose,
        "listed_on": gathering.listed_on,
        "lead_days": gathering.lead_days,
        "speakers": dict(gathering.speakers),
        "participants": sorted(gathering.participants),
        "attendance": dict(sorted(gathering.attendance.items())),
        "unregistered_attendees": list(gathering.unregistered_attendees),
        "sponsorships": {
            slug: {"sponsor": s.sponsor, "sector": s.sector, "status": s.status}
            for slug, s in gathering.sponsorships.items()
        },
    }


def history_row(event: LedgerEvent) -> dict[str, Any]:
    """One line of a group's history: time, actor, role, action, reason, clause."""
    return {
        "version": event.originator_version,
        "time": event.timestamp,
        "actor": event.actor_id,
        "role": event.actor_role,
        "action": type(event).__name__,
        "reason": event.reason,
        "clause": event.clause,
        "details": payload_of(event),
        "event_hash": event.event_hash,
        "previous_hash": event.previous_hash,
    }
