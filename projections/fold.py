"""Pure folding: one ledger event (and its position) -> the read-model changes.

No I/O here: ``projections.writer`` applies the changes. Every event adds one
audit-trail row and moves its group's version; the rest depends on the type.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from domain.events import gathering as ge
from domain.events import group as gr
from domain.events import sponsorship as sp
from domain.events.base import LedgerEvent, payload_of
from projections import fold_policy
from projections.changes import Change, Delete, Increment, Insert, Update, Upsert

# The events that count as group activity (as in the domain's ``last_activity``).
ACTIVITY = (gr.GroupRequested, gr.GroupApproved, gr.GroupRejected, gr.GroupTerminated,
            gr.GroupDeactivated, gr.GroupReactivated, gr.MemberJoined, gr.MembershipApproved,
            ge.GatheringProposed, ge.AttendanceRecorded)  # fmt: skip
STATUS = {gr.GroupApproved: "active", gr.GroupRejected: "rejected", gr.GroupTerminated: "terminated",
          gr.GroupDeactivated: "deactivated", gr.GroupReactivated: "active"}  # fmt: skip


def fold(event: LedgerEvent, position: int, gid: str | None = None) -> list[Change]:
    """``gid``: ``str(event.originator_id)``, if the caller has it already."""
    gid, kind = gid or str(event.originator_id), type(event)
    changes = [_audit(event, gid, position)]
    handler = _HANDLERS.get(kind)
    if handler is not None:
        changes += handler(event, gid)
    if kind is gr.SocialMediaSpaceReported:
        changes.append(_social_media(event, gid, position))
    if kind in fold_policy.POSITIONED:
        changes.append(fold_policy.POSITIONED[kind](event, gid, position))
    changes.append(Update("groups", {"group_id": gid}, _progress(event, position)))  # after GroupRequested's Upsert too
    return changes


def _progress(event: LedgerEvent, position: int) -> dict[str, Any]:
    values: dict[str, Any] = {"version": event.originator_version, "last_position": position,
                              "last_hash": event.event_hash}  # fmt: skip
    if isinstance(event, ACTIVITY):
        values["last_activity"] = event.timestamp
    if type(event) in STATUS:
        values["status"] = STATUS[type(event)]
    if isinstance(event, gr.TerminationRequested):
        values["termination_requested"] = True
    return values


def _audit(event: LedgerEvent, gid: str, position: int) -> Insert:
    return Insert("audit_trail", {
        "position": position, "event_id": event.event_id_text(gid), "group_id": gid,
        "version": event.originator_version, "time": event.timestamp, "actor_id": event.actor_id,
        "actor_role": event.actor_role.value, "actor_auth_method": event.actor_auth_method.value,
        "actor_auth_issuer": event.actor_auth_issuer, "action": type(event).__name__, "reason": event.reason,
        "clause": event.clause, "policy_pack": event.policy_pack, "policy_version": event.policy_version,
        "event_hash": event.event_hash, "details": payload_of(event),
    })  # fmt: skip


def _requested(e: gr.GroupRequested, gid: str) -> list[Change]:
    row = {"slug": e.slug, "name": e.name, "status": "requested", "group_type": e.group_type.value,
           "managed_by": e.managed_by.value, "visibility": e.visibility.value, "policy_pack": e.policy_pack,
           "objectives": e.objectives, "membership_criteria": list(e.membership_criteria),
           "termination_requested": False, "member_count": 0, "requested_at": e.timestamp,
           "last_activity": e.timestamp, "version": e.originator_version, "last_position": 0,
           "last_hash": e.event_hash}  # fmt: skip
    managers = [Upsert("managers", {"group_id": gid, "manager_id": m}, {"since": e.timestamp})
                for m in e.proposed_managers]  # fmt: skip
    return [Upsert("groups", {"group_id": gid}, row), *managers]


def _membership(status: str, count: int = 0) -> Callable[[Any, str], list[Change]]:
    def changes(e: Any, gid: str) -> list[Change]:
        values = {"status": status, "since": e.timestamp}
        if status == "pending":
            values["requested_at"] = e.timestamp
        if isinstance(e, (gr.MembershipApproved, gr.MembershipRejected)):
            values |= {"decided_by": e.actor_id, "criterion": e.criterion}
        result: list[Change] = [Upsert("memberships", {"group_id": gid, "member_id": e.member_id}, values)]
        if count:
            result.append(Increment("groups", {"group_id": gid}, "member_count", count))
        return result

    return changes


def _gathering_key(e: Any, gid: str) -> dict[str, str]:
    return {"group_id": gid, "gathering": e.gathering}


def _proposed(e: ge.GatheringProposed, gid: str) -> list[Change]:
    return [Upsert("gatherings", _gathering_key(e, gid), {
        "title": e.title, "starts_at": e.starts_at.astimezone(UTC), "purpose": e.purpose.value, "status": "proposed",
        "fee_per_participant": str(e.fee_per_participant), "cost_per_participant": str(e.cost_per_participant),
        "under_18_audience": e.under_18_audience, "proposed_at": e.timestamp, "unregistered_attendees": [],
    })]  # fmt: skip


def _gathering_status(status: str) -> Callable[[Any, str], list[Change]]:
    def changes(e: Any, gid: str) -> list[Change]:
        return [Update("gatherings", _gathering_key(e, gid), {"status": status, "decided_by": e.actor_id})]

    return changes


def _listed(e: ge.GatheringListed, gid: str) -> list[Change]:
    values = {"status": "listed", "listed_on": e.listed_on, "lead_days": e.lead_days}
    return [Update("gatherings", _gathering_key(e, gid), values)]


def _speaker(status: str) -> Callable[[Any, str], list[Change]]:
    def changes(e: Any, gid: str) -> list[Change]:
        decided = None if status == "proposed" else e.actor_id
        key = _gathering_key(e, gid) | {"speaker_id": e.speaker_id}
        return [Upsert("speakers", key, {"status": status, "decided_by": decided})]

    return changes


def _registered(e: ge.ParticipantRegistered, gid: str) -> list[Change]:
    return [Upsert("participants", _gathering_key(e, gid) | {"member_id": e.member_id}, {"attendance": None})]


def _attendance(e: ge.AttendanceRecorded, gid: str) -> list[Change]:
    marks = [(m, "attended") for m in e.attended] + [(m, "did-not-attend") for m in e.did_not_attend]
    rows: list[Change] = [
        Update("participants", _gathering_key(e, gid) | {"member_id": m}, {"attendance": a}) for m, a in marks
    ]
    values = {"status": "held", "unregistered_attendees": list(e.unregistered_attendees)}
    return [*rows, Update("gatherings", _gathering_key(e, gid), values)]


def _sponsorship(status: str) -> Callable[[Any, str], list[Change]]:
    def changes(e: Any, gid: str) -> list[Change]:
        key = _gathering_key(e, gid) | {"sponsorship": e.sponsorship}
        values = {"status": status, "screening": [f.model_dump() for f in e.screening],
                  "clause": e.clause, "updated_at": e.timestamp}  # fmt: skip
        if isinstance(e, sp.SponsorshipRequested):
            return [Upsert("sponsorships", key, values | {"sponsor": e.sponsor, "sector": e.sector.value})]
        return [Update("sponsorships", key, values | {"decided_by": e.actor_id})]

    return changes


def _social_media(e: gr.SocialMediaSpaceReported, gid: str, position: int) -> Insert:
    values = {"position": position, "group_id": gid, "platform": e.platform,
              "reported_at": e.timestamp}  # fmt: skip
    return Insert("social_media_reports", values)


_HANDLERS: dict[type, Callable[[Any, str], list[Change]]] = {
    gr.GroupRequested: _requested,
    gr.ManagerAppointed: lambda e, gid: [Upsert("managers", {"group_id": gid, "manager_id": e.manager_id}, {"since": e.timestamp})],
    gr.ManagerRemoved: lambda e, gid: [Delete("managers", {"group_id": gid, "manager_id": e.manager_id})],
    gr.MemberJoined: _membership("member", +1),
    gr.MembershipRequested: _membership("pending"),
    gr.MembershipApproved: _membership("member", +1),
    gr.MembershipRejected: _membership("rejected"),
    gr.MemberLeft: _membership("left", -1),
    ge.GatheringProposed: _proposed,
    ge.GatheringApproved: _gathering_status("approved"),
    ge.GatheringRejected: _gathering_status("rejected"),
    ge.GatheringListed: _listed,
    ge.SpeakerProposed: _speaker("proposed"),
    ge.SpeakerApproved: _speaker("approved"),
    ge.SpeakerRejected: _speaker("rejected"),
    ge.ParticipantRegistered: _registered,
    ge.AttendanceRecorded: _attendance,
    sp.SponsorshipRequested: _sponsorship("requested"),
    sp.SponsorshipApproved: _sponsorship("approved"),
    sp.SponsorshipRejected: _sponsorship("rejected"),
    **fold_policy.HANDLERS,
}  # fmt: skip
