"""Read-side helpers over the event store: a group's state and history as plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.aggregates.group import Group
from domain.compliance import Flag, evaluate
from domain.events.base import LedgerEvent, payload_of
from domain.policy.registry import policy_pack
from infra.store.refusals import Refusal, RefusalQuery


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
        "policy_version": policy_pack(group.policy_pack, on).version,  # in force on ``on``
        "objectives": group.objectives,
        "membership_criteria": list(group.membership_criteria),
        "managers": sorted(group.managers),
        "members": sorted(group.members),
        "pending_requests": {m: at for m, at in sorted(group.pending_requests.items())},
        "held_rejections": {m: h.model_dump() for m, h in sorted(group.held_rejections.items())},  # §9
        "activity_plans": dict(sorted(group.activity_plans.items())),  # LSE
        "termination_requested": group.termination_requested,
        "last_activity": group.last_activity,
        "version": group.version,
        "events": [_gathering(g) for g in group.gatherings.values()],
        "compliance_flags": compliance_flags(group, on),
    }


def compliance_flags(group: Group, on: datetime) -> list[Flag]:
    """The flags of the group's pack, in the version in force on ``on``."""
    return evaluate(policy_pack(group.policy_pack, on).flags, group, on)


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


def signed_in_with(event: LedgerEvent) -> str:
    """How the actor's identity was established: the method, and the token's issuer when there
    was one (``local-token (oar-ledger-local)``, ``oidc (https://…)``, ``local-cli``). v1 events
    read as ``local-cli`` (see ``LedgerEvent.upcast_v1_v2``)."""
    method, issuer = event.actor_auth_method, event.actor_auth_issuer
    return f"{method} ({issuer})" if issuer else str(method)


def subject_of(event: LedgerEvent, group: str = "") -> str:
    """Whom or what the decision was about: the member, manager, speaker, sponsorship or event."""
    fields = payload_of(event)
    gathering = f" of event {fields['gathering']}" if "gathering" in fields else ""
    for name, label in (("member_id", "member"), ("manager_id", "manager"), ("speaker_id", "speaker")):
        if name in fields:
            return f"{label} {fields[name]}{gathering}"
    if "sponsorship" in fields:
        sponsor = f" ({fields['sponsor']})" if "sponsor" in fields else ""
        return f"sponsorship {fields['sponsorship']}{sponsor}{gathering}"
    if gathering:
        return gathering.removeprefix(" of ")
    return f"group {fields.get('slug', group)}".strip()


def history_row(event: LedgerEvent, group: str = "") -> dict[str, Any]:
    """One line of a group's history: event id, time, subject, actor, role, how the actor
    signed in, action, reason, clause."""
    return {
        "event_id": str(event.event_id),
        "subject": subject_of(event, group),
        "signed_in_with": signed_in_with(event),
        "version": event.originator_version,
        "time": event.timestamp,
        "actor": event.actor_id,
        "role": event.actor_role,
        "authenticated_by": event.actor_auth_method,
        "issuer": event.actor_auth_issuer,
        "policy": f"{event.policy_pack} v{event.policy_version}" if event.policy_version else None,
        "action": type(event).__name__,
        "reason": event.reason,
        "clause": event.clause,
        "details": payload_of(event),
        "event_hash": event.event_hash,
        "previous_hash": event.previous_hash,
    }


def find_refusal_rows(log: Any, query: RefusalQuery) -> list[tuple[int, Refusal]]:
    """(log id, refusal) matching ``query``, oldest first: the id is a page's cursor."""
    return log.find(query)


def find_refusals(log: Any, query: RefusalQuery) -> list[Refusal]:
    """Refused commands matching ``query`` (``log``: the ledger's ``RefusalLog``), oldest first."""
    return [refusal for _, refusal in log.find(query)]
