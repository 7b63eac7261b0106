"""CERN-AG §9 as a decision with a human in the loop: a rejection is refused (clear breach),
recorded (clear), or held for the OAR's review (uncertain), who upholds or overturns it.

The reproductions of issue 16 come first: each failed on the keyword screen.
"""

from __future__ import annotations

import pytest
from test_domain_support import (
    CRITERIA,
    DAY,
    M1,
    OAR,
    T0,
    accepted,
    active_group,
    cites,
    member,
    refused,
    request_group,
)

from domain import commands as c
from domain import compliance as cc
from domain.actors import Actor
from domain.errors import NotAuthorized, RuleViolation
from domain.events import group as e

pytestmark = pytest.mark.unit


def _pending(person: str = "a-1"):
    group = active_group(visibility="private")
    group.request_membership(c.RequestMembership(actor=member(person), group="cms"), T0 + DAY)
    return group


def _reject(reason: str, person: str = "a-1", criterion: str = CRITERIA[0]) -> c.RejectMembership:
    return c.RejectMembership(actor=M1, group="cms", member=person, criterion=criterion, reason=reason)


def _held(reason: str = "the applicant is Italian"):
    group = _pending()
    event = accepted(group, group.reject_membership, _reject(reason), T0 + 2 * DAY)
    assert isinstance(event, e.MembershipRejectionHeld)
    return group, event


# -- the reproductions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "ground"),
    [
        ("applicant is Italian and we only take Swiss people", "nationality"),
        ("we do not want Frenchmen", "nationality"),
        ("too old", "age"),
    ],
)
def test_issue16_plain_breaches_are_refused(reason: str, ground: str) -> None:
    group = _pending()
    violation = refused(
        group, group.reject_membership, _reject(reason), T0 + 2 * DAY, rule="no-discriminatory-grounds", section="§9"
    )
    assert f"{ground} (" in violation.message
    assert group.pending_requests.keys() == {"a-1"} and group.held_rejections == {}


def test_issue16_an_orientation_session_is_a_neutral_reason_and_is_recorded() -> None:
    group = _pending()
    event = accepted(group, group.reject_membership, _reject("did not attend the orientation session"), T0 + 2 * DAY)
    assert isinstance(event, e.MembershipRejected)
    assert group.pending_requests == {} and group.held_rejections == {}


# -- held for review --------------------------------------------------------------------------


def test_an_uncertain_rejection_is_held_with_its_grounds_and_leaves_the_request_with_the_oar() -> None:
    group, event = _held("the applicant is Italian")
    assert (event.member_id, event.criterion, event.grounds) == ("a-1", CRITERIA[0], ("nationality",))
    assert "'italian'" in event.screening and event.reason == "the applicant is Italian"
    assert event.actor_id == "m-1" and cites(event.clause, "§9")
    assert group.pending_requests == {} and group.members == set()
    held = group.held_rejections["a-1"]
    assert (held.requested_at, held.held_at, held.held_by) == (T0 + DAY, T0 + 2 * DAY, "m-1")


def test_a_held_rejection_is_a_compliance_flag_until_the_oar_decides() -> None:
    group, _ = _held()
    (flag,) = [f for f in cc.evaluate(cc.CERN_FLAGS, group, T0 + 3 * DAY) if f.rule == "held-rejection-awaits-oar"]
    assert flag.clause == "CERN-AG §9" and "a-1" in flag.detail and "nationality" in flag.detail
    assert not [f for f in cc.evaluate(cc.CERN_FLAGS, group, T0 + DAY) if f.rule == "held-rejection-awaits-oar"]
    group.uphold_rejection(c.UpholdRejection(actor=OAR, group="cms", member="a-1", reason="criterion unmet"), T0 + 4 * DAY)
    assert not [f for f in cc.evaluate(cc.CERN_FLAGS, group, T0 + 5 * DAY) if f.rule == "held-rejection-awaits-oar"]


def test_the_oar_upholds_a_held_rejection_with_its_own_reason() -> None:
    group, _ = _held()
    command = c.UpholdRejection(actor=OAR, group="cms", member="a-1", reason="no CMS work; nationality irrelevant")
    event = accepted(group, group.uphold_rejection, command, T0 + 3 * DAY)
    assert isinstance(event, e.MembershipRejectionUpheld)
    assert (event.member_id, event.reason, event.actor_role.value) == ("a-1", command.reason, "oar")
    assert group.held_rejections == {} and group.pending_requests == {} and group.members == set()


def test_the_oar_overturns_a_held_rejection_and_the_request_waits_for_the_managers_again() -> None:
    group, _ = _held()
    command = c.OverturnRejection(actor=OAR, group="cms", member="a-1", reason="nationality is no ground (§9)")
    event = accepted(group, group.overturn_rejection, command, T0 + 3 * DAY)
    assert isinstance(event, e.MembershipRejectionOverturned) and event.reason == command.reason
    assert group.held_rejections == {} and group.pending_requests == {"a-1": T0 + DAY}
    approved = accepted(
        group, group.approve_membership,
        c.ApproveMembership(actor=M1, group="cms", member="a-1", criterion=CRITERIA[1], reason="paper found"),
        T0 + 4 * DAY,
    )  # fmt: skip
    assert isinstance(approved, e.MembershipApproved) and group.members == {"a-1"}


@pytest.mark.parametrize("decide", ["uphold_rejection", "overturn_rejection"])
def test_only_the_oar_reviews_and_only_a_held_rejection(decide: str) -> None:
    command_class = c.UpholdRejection if decide == "uphold_rejection" else c.OverturnRejection
    group, _ = _held()
    refused(group, getattr(group, decide), command_class(actor=M1, group="cms", member="a-1", reason="my own call"),
            T0 + 3 * DAY, rule="only-oar-reviews-held-rejections", section="§9")  # fmt: skip
    refused(group, getattr(group, decide), command_class(actor=OAR, group="cms", member="a-2", reason="no such hold"),
            T0 + 3 * DAY, rule="review-held-rejections-only", section="§9")  # fmt: skip


def test_while_held_the_managers_cannot_decide_and_the_member_cannot_ask_again() -> None:
    group, _ = _held()
    violation = refused(
        group, group.approve_membership,
        c.ApproveMembership(actor=M1, group="cms", member="a-1", criterion=CRITERIA[0], reason="changed my mind"),
        T0 + 3 * DAY, rule="decide-pending-requests-only", section="§9",
    )  # fmt: skip
    assert "held for the OAR's review" in violation.message
    refused(group, group.request_membership, c.RequestMembership(actor=member("a-1"), group="cms"), T0 + 3 * DAY,
            rule="no-duplicate-membership", section="§9")  # fmt: skip


def test_an_uncertain_approval_is_recorded_and_a_clear_breach_in_an_approval_is_refused() -> None:
    group = _pending()
    approve = c.ApproveMembership(actor=M1, group="cms", member="a-1", criterion=CRITERIA[0], reason="she is Italian")
    refused(group, group.approve_membership, approve.model_copy(update={"reason": "only because she is Italian"}),
            T0 + 2 * DAY, rule="no-discriminatory-grounds", section="§9")  # fmt: skip
    assert isinstance(accepted(group, group.approve_membership, approve, T0 + 2 * DAY), e.MembershipApproved)


def test_a_criterion_is_screened_too() -> None:
    # A criterion that is itself discriminatory never gets declared: the group request is refused.
    with pytest.raises(RuleViolation) as caught:
        request_group("lhcb", criteria=("women only",))
    assert caught.value.rule == "no-discriminatory-grounds"
    # A rejection whose reason is clear but whose criterion text names a ground is held.
    regional = active_group("geneva", visibility="private")
    regional.membership_criteria = ("lives in Switzerland",)
    regional.request_membership(c.RequestMembership(actor=member("a-1"), group="geneva"), T0 + DAY)
    command = c.RejectMembership(actor=M1, group="geneva", member="a-1", criterion="lives in Switzerland",
                                 reason="no address on record")  # fmt: skip
    event = accepted(regional, regional.reject_membership, command, T0 + 2 * DAY)
    assert isinstance(event, e.MembershipRejectionHeld) and event.grounds == ("nationality",)


# -- on main's layout: v2 events, the OAR governance rule ----------------------------------------


def test_the_held_rejection_and_the_review_are_v2_events_recording_the_pack_version() -> None:
    group, held = _held()
    command = c.UpholdRejection(actor=OAR, group="cms", member="a-1", reason="criterion unmet")
    upheld = accepted(group, group.uphold_rejection, command, T0 + 3 * DAY)
    for event in (held, upheld):
        assert event.type_name().endswith(".v2") and event.recorded_type == event.type_name()
        assert (event.policy_pack, event.policy_version) == ("cern", "1")
        assert event.actor_auth_method.value == "local-cli"


@pytest.mark.parametrize("decide", ["uphold_rejection", "overturn_rejection"])
def test_an_oar_officer_who_manages_the_group_may_not_review_its_held_rejection(decide: str) -> None:
    command_class = c.UpholdRejection if decide == "uphold_rejection" else c.OverturnRejection
    group, _ = _held()
    with pytest.raises(NotAuthorized) as refusal:
        getattr(group, decide)(command_class(actor=Actor(id="m-1", role="oar"), group="cms", member="a-1",
                                             reason="my own group"), T0 + 3 * DAY)  # fmt: skip
    assert refusal.value.rule == "no-oar-decision-on-own-group"
    assert "a-1" in group.held_rejections
