"""Folds of issue 16's events: §9 held rejections and their review, LSE plans and alumni data."""

from __future__ import annotations

import pytest
from test_fold_events import EVENTS, POSITION, folded, gid

from domain.events import group as gr
from projections.changes import Insert, Update, Upsert

pytestmark = pytest.mark.unit


def _of(event_type: type, member: str | None = None) -> gr.LedgerEvent:
    return next(e for e in EVENTS if type(e) is event_type and (member is None or e.member_id == member))


def test_a_held_rejection_is_a_held_membership_and_an_item_for_the_oar() -> None:
    event = _of(gr.MembershipRejectionHeld, "a-5")
    key = {"group_id": gid(event), "member_id": "a-5"}
    membership, held = folded(event)[1:-1]
    assert membership == Upsert("memberships", key, {"since": event.timestamp, "status": "held",
                                                     "decided_by": "m-1", "criterion": event.criterion})
    assert held.table == "held_rejections" and held.key == key
    assert held.values["status"] == "held" and held.values["grounds"] == ["nationality"]
    assert held.values["reason"] == "the applicant is Italian" and held.values["held_by"] == "m-1"


@pytest.mark.parametrize(("event_type", "member", "outcome", "membership"), [
    (gr.MembershipRejectionUpheld, "a-5", "upheld", "rejected"),
    (gr.MembershipRejectionOverturned, "a-6", "overturned", "pending"),
])  # fmt: skip
def test_the_oar_review_closes_the_item_and_sets_the_membership(event_type, member, outcome, membership) -> None:
    event = _of(event_type, member)
    key = {"group_id": gid(event), "member_id": member}
    upsert, update = folded(event)[1:-1]
    assert upsert.table == "memberships" and upsert.key == key and upsert.values["status"] == membership
    assert "requested_at" not in upsert.values  # an overturned request keeps its original time
    assert update == Update("held_rejections", key, {"status": outcome, "reviewed_by": "oar-1",
                                                     "reviewed_at": event.timestamp, "review_reason": event.reason})


def test_lse_plans_and_alumni_data_reports_are_appended_with_their_position() -> None:
    plan, data = _of(gr.ActivityPlanShared), _of(gr.AlumniDataReported)
    assert folded(plan)[1:-1] == [Insert("activity_plans", {
        "position": POSITION[id(plan)], "group_id": gid(plan), "year": plan.year, "shared_at": plan.timestamp,
        "shared_by": "m-7", "summary": "four talks and a dinner"})]  # fmt: skip
    assert folded(data)[1:-1] == [Insert("alumni_data_reports", {
        "position": POSITION[id(data)], "group_id": gid(data), "kind": "mailing-list",
        "description": data.description, "reported_at": data.timestamp})]  # fmt: skip
