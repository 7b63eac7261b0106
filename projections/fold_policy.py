"""Folds of the policy events added for issue 16: §9 held rejections and their review,
LSE activity plans and reported alumni data. Pure, like ``projections.fold``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.events import group as gr
from projections.changes import Change, Insert, Update, Upsert


def _membership(gid: str, e: Any, values: dict[str, Any]) -> Upsert:
    return Upsert("memberships", {"group_id": gid, "member_id": e.member_id}, {"since": e.timestamp} | values)


def _held(e: gr.MembershipRejectionHeld, gid: str) -> list[Change]:
    held = {"held_at": e.timestamp, "held_by": e.actor_id, "criterion": e.criterion, "reason": e.reason,
            "grounds": list(e.grounds), "screening": e.screening, "status": "held", "reviewed_by": None,
            "reviewed_at": None, "review_reason": None}  # fmt: skip
    return [
        _membership(gid, e, {"status": "held", "decided_by": e.actor_id, "criterion": e.criterion}),
        Upsert("held_rejections", {"group_id": gid, "member_id": e.member_id}, held),
    ]


def _reviewed(outcome: str, membership: dict[str, Any]) -> Callable[[Any, str], list[Change]]:
    def changes(e: Any, gid: str) -> list[Change]:
        review = {"status": outcome, "reviewed_by": e.actor_id, "reviewed_at": e.timestamp, "review_reason": e.reason}
        return [
            _membership(gid, e, membership),
            Update("held_rejections", {"group_id": gid, "member_id": e.member_id}, review),
        ]

    return changes


HANDLERS: dict[type, Callable[[Any, str], list[Change]]] = {
    gr.MembershipRejectionHeld: _held,
    gr.MembershipRejectionUpheld: _reviewed("upheld", {"status": "rejected"}),
    # Back to the managers: the request is pending again, with its original request time.
    gr.MembershipRejectionOverturned: _reviewed("overturned", {"status": "pending", "decided_by": None,
                                                               "criterion": None}),
}  # fmt: skip


def _plan(e: gr.ActivityPlanShared, gid: str, position: int) -> Insert:
    return Insert("activity_plans", {"position": position, "group_id": gid, "year": e.year,
                                     "shared_at": e.timestamp, "shared_by": e.actor_id, "summary": e.summary})


def _alumni_data(e: gr.AlumniDataReported, gid: str, position: int) -> Insert:
    return Insert("alumni_data_reports", {"position": position, "group_id": gid, "kind": e.kind.value,
                                          "description": e.description, "reported_at": e.timestamp})


POSITIONED: dict[type, Callable[[Any, str, int], Insert]] = {
    gr.ActivityPlanShared: _plan,
    gr.AlumniDataReported: _alumni_data,
}
