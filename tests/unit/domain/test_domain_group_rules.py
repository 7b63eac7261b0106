"""CERN group rules through the Group aggregate: each rule's accepted and refused path.

§7 managers and multiple membership, §8 public joins, §9 private moderation,
§11/§16 group decisions, §14/§32 termination, §19 moderation and deactivation, §6 reports.
A refusal must name its rule and clause and record nothing.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from test_domain_support import (
    CRITERIA,
    DAY,
    M1,
    M2,
    OAR,
    T0,
    accepted,
    active_group,
    cites,
    gathering_in,
    join_members,
    manager,
    member,
    propose_command,
    refused,
    request_group,
)

from domain import commands as c
from domain.events import group as e
from domain.values import GroupStatus, TerminationInitiative

pytestmark = pytest.mark.unit


# -- §7 managers ------------------------------------------------------------------


def test_s7_third_manager_accepted_fourth_refused() -> None:
    group = active_group()
    event = accepted(group, group.appoint_manager, c.AppointManager(actor=OAR, group="cms", manager="m-3"), T0)
    assert isinstance(event, e.ManagerAppointed) and event.manager_id == "m-3"
    assert cites(event.clause, "§7")
    assert group.managers == {"m-1", "m-2", "m-3"}

    refused(
        group,
        group.appoint_manager,
        c.AppointManager(actor=OAR, group="cms", manager="m-4"),
        T0,
        rule="at-most-three-managers",
        section="§7",
    )
    assert group.managers == {"m-1", "m-2", "m-3"}


def test_s7_a_manager_may_appoint_a_co_manager_but_a_member_may_not() -> None:
    group = active_group()
    accepted(group, group.appoint_manager, c.AppointManager(actor=M2, group="cms", manager="m-3"), T0)
    other = active_group("atlas")
    refused(
        other,
        other.appoint_manager,
        c.AppointManager(actor=member("a-1"), group="atlas", manager="a-1"),
        T0,
        rule="managers-or-oar-appoint",
        section="§7",
    )


def test_s7_appointing_a_current_manager_again_is_refused() -> None:
    group = active_group()
    refused(
        group,
        group.appoint_manager,
        c.AppointManager(actor=OAR, group="cms", manager="m-2"),
        T0,
        rule="at-most-three-managers",
        section="§7",
    )


def test_s7_removing_the_second_manager_of_an_active_group_is_refused() -> None:
    group = active_group()
    refused(
        group,
        group.remove_manager,
        c.RemoveManager(actor=OAR, group="cms", manager="m-2", reason="stepped down"),
        T0,
        rule="at-least-two-managers",
        section="§7",
    )
    assert group.managers == {"m-1", "m-2"}


def test_s7_removing_one_of_three_managers_is_accepted() -> None:
    group = active_group(managers=("m-1", "m-2", "m-3"))
    event = accepted(
        group,
        group.remove_manager,
        c.RemoveManager(actor=OAR, group="cms", manager="m-3", reason="stepped down"),
        T0,
    )
    assert isinstance(event, e.ManagerRemoved) and event.manager_id == "m-3"
    assert event.reason == "stepped down"
    assert group.managers == {"m-1", "m-2"}


def test_s7_removing_someone_who_is_not_a_manager_is_refused() -> None:
    group = active_group(managers=("m-1", "m-2", "m-3"))
    refused(
        group,
        group.remove_manager,
        c.RemoveManager(actor=OAR, group="cms", manager="m-9", reason="never was one"),
        T0,
        rule="at-least-two-managers",
        section="§7",
    )


def test_s7_approval_with_fewer_than_two_managers_is_refused() -> None:
    group = request_group(managers=("m-1",))
    refused(
        group,
        group.approve,
        c.ApproveGroup(actor=OAR, group="cms", reason="looks good"),
        T0,
        rule="two-managers-to-activate",
        section="§7",
    )
    assert group.status is GroupStatus.REQUESTED


def test_s7_approval_with_two_managers_is_accepted() -> None:
    group = request_group(managers=("m-1",))
    accepted(group, group.appoint_manager, c.AppointManager(actor=OAR, group="cms", manager="m-2"), T0)
    event = accepted(group, group.approve, c.ApproveGroup(actor=OAR, group="cms", reason="looks good"), T0)
    assert isinstance(event, e.GroupApproved)
    assert cites(event.clause, "§7") and cites(event.clause, "§11") and cites(event.clause, "§16")
    assert group.status is GroupStatus.ACTIVE


def test_s7_a_member_may_belong_to_several_groups() -> None:
    cms = active_group("cms", visibility="public")
    atlas = active_group("atlas", visibility="public")
    lhcb = active_group("lhcb", visibility="private")
    accepted(cms, cms.join, c.JoinGroup(actor=member("a-1"), group="cms"), T0)
    accepted(atlas, atlas.join, c.JoinGroup(actor=member("a-1"), group="atlas"), T0)
    join_members(lhcb, "a-1")
    assert "a-1" in cms.members and "a-1" in atlas.members and "a-1" in lhcb.members


# -- §8 public groups --------------------------------------------------------------


def test_s8_joining_a_public_group_is_immediate() -> None:
    group = active_group(visibility="public")
    event = accepted(group, group.join, c.JoinGroup(actor=member("a-1"), group="cms"), T0 + DAY)
    assert isinstance(event, e.MemberJoined) and event.member_id == "a-1"
    assert cites(event.clause, "§8")
    assert group.members == {"a-1"}
    assert group.pending_requests == {}


def test_s8_joining_a_private_group_is_refused() -> None:
    group = active_group(visibility="private")
    refused(
        group,
        group.join,
        c.JoinGroup(actor=member("a-1"), group="cms"),
        T0,
        rule="join-public-groups-only",
        section="§8",
    )


def test_s8_joining_twice_is_refused() -> None:
    group = active_group(visibility="public")
    join_members(group, "a-1")
    refused(
        group,
        group.join,
        c.JoinGroup(actor=member("a-1"), group="cms"),
        T0,
        rule="no-duplicate-membership",
        section="§9",
    )


def test_s8_joining_a_group_not_yet_approved_is_refused() -> None:
    group = request_group(visibility="public", managers=("m-1", "m-2"))
    refused(
        group,
        group.join,
        c.JoinGroup(actor=member("a-1"), group="cms"),
        T0,
        rule="group-is-active",
        section="§16",
    )


def test_s8_a_manager_role_cannot_join_on_someone_s_behalf() -> None:
    group = active_group(visibility="public")
    refused(
        group,
        group.join,
        c.JoinGroup(actor=M1, group="cms"),
        T0,
        rule="member-acts-for-themself",
        section="§8",
    )


def test_s8_s9_requesting_membership_of_a_public_group_is_refused() -> None:
    group = active_group(visibility="public")
    refused(
        group,
        group.request_membership,
        c.RequestMembership(actor=member("a-1"), group="cms"),
        T0,
        rule="requests-for-private-groups-only",
        section="§9",
    )


def test_leaving_accepted_for_a_member_refused_otherwise() -> None:
    group = active_group(visibility="public")
    join_members(group, "a-1")
    event = accepted(group, group.leave, c.LeaveGroup(actor=member("a-1"), group="cms"), T0)
    assert isinstance(event, e.MemberLeft) and group.members == set()
    refused(
        group,
        group.leave,
        c.LeaveGroup(actor=member("a-1"), group="cms"),
        T0,
        rule="only-members-leave",
        section="§7",
    )


# -- §9 private groups -------------------------------------------------------------


def _requested(person: str = "a-1"):
    group = active_group(visibility="private")
    event = accepted(
        group, group.request_membership, c.RequestMembership(actor=member(person), group="cms"), T0 + DAY
    )
    return group, event


def test_s9_a_private_request_waits_for_a_decision() -> None:
    group, event = _requested()
    assert isinstance(event, e.MembershipRequested) and event.member_id == "a-1"
    assert cites(event.clause, "§9")
    assert group.pending_requests == {"a-1": T0 + DAY}
    assert "a-1" not in group.members


def test_s9_a_second_pending_request_is_refused() -> None:
    group, _ = _requested()
    refused(
        group,
        group.request_membership,
        c.RequestMembership(actor=member("a-1"), group="cms"),
        T0 + 2 * DAY,
        rule="no-duplicate-membership",
        section="§9",
    )


def test_s9_a_member_cannot_request_again() -> None:
    group = active_group(visibility="private")
    join_members(group, "a-1")
    refused(
        group,
        group.request_membership,
        c.RequestMembership(actor=member("a-1"), group="cms"),
        T0,
        rule="no-duplicate-membership",
        section="§9",
    )


@pytest.mark.parametrize("decide", ["approve_membership", "reject_membership"])
def test_s9_a_decision_must_cite_one_of_the_group_s_criteria(decide: str) -> None:
    group, _ = _requested()
    command_class = c.ApproveMembership if decide == "approve_membership" else c.RejectMembership
    refused(
        group,
        getattr(group, decide),
        command_class(actor=M1, group="cms", member="a-1", criterion="likes physics", reason="judged so"),
        T0 + 2 * DAY,
        rule="decision-cites-group-criteria",
        section="§9",
    )
    assert group.pending_requests.keys() == {"a-1"}


def test_s9_an_approval_citing_a_criterion_makes_a_member() -> None:
    group, _ = _requested()
    event = accepted(
        group,
        group.approve_membership,
        c.ApproveMembership(actor=M1, group="cms", member="a-1", criterion=CRITERIA[1], reason="paper found"),
        T0 + 2 * DAY,
    )
    assert isinstance(event, e.MembershipApproved)
    assert event.criterion == CRITERIA[1] and event.member_id == "a-1"
    assert cites(event.clause, "§9") and cites(event.clause, "§19")
    assert group.members == {"a-1"} and group.pending_requests == {}


def test_s9_deciding_without_a_pending_request_is_refused() -> None:
    group = active_group(visibility="private")
    refused(
        group,
        group.approve_membership,
        c.ApproveMembership(actor=M1, group="cms", member="a-1", criterion=CRITERIA[0], reason="why not"),
        T0,
        rule="decide-pending-requests-only",
        section="§9",
    )


@pytest.mark.parametrize(
    ("ground", "reason"),
    [
        ("profession", "rejected because of the applicant's profession"),
        ("profession", "we do not admit people with that occupation"),
        ("nationality", "rejected on grounds of nationality"),
        ("nationality", "rejected: we only admit Swiss citizens"),
        ("culture", "their cultural background does not fit"),
        ("culture", "rejected for religious reasons"),
        ("age", "the applicant is too old for this group"),
        ("age", "rejected because of age"),
        ("generation", "not of our generation"),
        ("gender", "rejected because of gender"),
        ("gender", "the group is for women only"),
        ("individual preferences", "their individual preferences do not suit us"),
        ("individual preferences", "disapprove of their lifestyle"),
    ],
)
def test_s9_a_rejection_on_a_prohibited_ground_is_refused(ground: str, reason: str) -> None:
    group, _ = _requested()
    violation = refused(
        group,
        group.reject_membership,
        c.RejectMembership(actor=M1, group="cms", member="a-1", criterion=CRITERIA[0], reason=reason),
        T0 + 2 * DAY,
        rule="no-discriminatory-grounds",
        section="§9",
    )
    assert ground in violation.message
    assert "Diversity" in violation.clause
    assert group.pending_requests.keys() == {"a-1"}


def test_s9_a_neutral_rejection_citing_a_criterion_is_accepted() -> None:
    group, _ = _requested()
    event = accepted(
        group,
        group.reject_membership,
        c.RejectMembership(
            actor=M1,
            group="cms",
            member="a-1",
            criterion=CRITERIA[0],
            reason="no record of work on the CMS experiment",
        ),
        T0 + 2 * DAY,
    )
    assert isinstance(event, e.MembershipRejected)
    assert event.criterion == CRITERIA[0]
    assert event.reason == "no record of work on the CMS experiment"
    assert group.pending_requests == {} and group.members == set()


def test_s9_a_group_request_with_discriminatory_criteria_is_refused() -> None:
    with pytest.raises(Exception) as caught:
        request_group(criteria=("must be of Swiss nationality",))
    assert getattr(caught.value, "rule", None) == "no-discriminatory-grounds"


def test_s9_a_private_group_request_without_criteria_is_refused() -> None:
    with pytest.raises(Exception) as caught:
        request_group(criteria=())
    assert getattr(caught.value, "rule", None) == "objectives-and-criteria-defined"
    assert cites(caught.value.clause, "§9")


# -- §11, §16 group creation decided by the OAR only --------------------------------


@pytest.mark.parametrize("actor", [M1, member("a-1")], ids=["manager", "member"])
@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_s11_s16_only_the_oar_decides_group_creation(actor, decide: str) -> None:
    group = request_group(managers=("m-1", "m-2"))
    command_class = c.ApproveGroup if decide == "approve" else c.RejectGroup
    refused(
        group,
        getattr(group, decide),
        command_class(actor=actor, group="cms", reason="we decide ourselves"),
        T0,
        rule="only-oar-decides-group-creation",
        section="§11",
    )
    assert group.status is GroupStatus.REQUESTED


def test_s11_s16_the_oar_rejects_a_group() -> None:
    group = request_group(managers=("m-1", "m-2"))
    event = accepted(group, group.reject, c.RejectGroup(actor=OAR, group="cms", reason="duplicate of atlas"), T0)
    assert isinstance(event, e.GroupRejected)
    assert cites(event.clause, "§11") and cites(event.clause, "§16")
    assert event.reason == "duplicate of atlas"
    assert group.status is GroupStatus.REJECTED


def test_s16_a_group_is_decided_once() -> None:
    group = active_group()
    refused(
        group,
        group.approve,
        c.ApproveGroup(actor=OAR, group="cms", reason="again"),
        T0,
        rule="group-awaits-oar-decision",
        section="§16",
    )


# -- §14, §32 termination ----------------------------------------------------------


@pytest.mark.parametrize("actor", [M1, member("a-1")], ids=["manager", "member"])
def test_s14_s32_only_the_oar_terminates(actor) -> None:
    group = active_group()
    violation = refused(
        group,
        group.terminate,
        c.TerminateGroup(actor=actor, group="cms", initiative="oar", reason="we are done"),
        T0,
        rule="only-oar-terminates",
        section="§32",
    )
    assert cites(violation.clause, "§14")


def test_s32_termination_at_managers_request_needs_their_request() -> None:
    group = active_group()
    refused(
        group,
        group.terminate,
        c.TerminateGroup(actor=OAR, group="cms", initiative="managers-request", reason="they asked"),
        T0,
        rule="termination-grounds",
        section="§32",
    )
    request = accepted(
        group, group.request_termination, c.RequestTermination(actor=M2, group="cms", reason="no more time"), T0
    )
    assert isinstance(request, e.TerminationRequested) and cites(request.clause, "§32")
    assert group.termination_requested
    event = accepted(
        group,
        group.terminate,
        c.TerminateGroup(actor=OAR, group="cms", initiative="managers-request", reason="they asked"),
        T0 + DAY,
    )
    assert isinstance(event, e.GroupTerminated)
    assert event.initiative is TerminationInitiative.MANAGERS_REQUEST
    assert group.status is GroupStatus.TERMINATED


def test_s32_termination_requests_come_from_the_group_s_managers_once() -> None:
    group = active_group()
    refused(
        group,
        group.request_termination,
        c.RequestTermination(actor=manager("m-9"), group="cms", reason="not mine"),
        T0,
        rule="managers-request-termination",
        section="§32",
    )
    group.request_termination(c.RequestTermination(actor=M1, group="cms", reason="no more time"), T0)
    refused(
        group,
        group.request_termination,
        c.RequestTermination(actor=M2, group="cms", reason="no more time"),
        T0,
        rule="one-termination-request",
        section="§32",
    )


def test_s32_the_oar_terminates_on_its_own_initiative_with_a_reason() -> None:
    group = active_group()
    event = accepted(
        group,
        group.terminate,
        c.TerminateGroup(actor=OAR, group="cms", initiative="oar", reason="breach of §13"),
        T0 + DAY,
    )
    assert event.initiative is TerminationInitiative.OAR
    assert event.reason == "breach of §13"
    assert cites(event.clause, "§14") and cites(event.clause, "§32")
    assert group.status is GroupStatus.TERMINATED


@pytest.mark.parametrize("reason", [None, "", "  ", "no"])
def test_s32_a_termination_without_a_reason_is_malformed(reason) -> None:
    fields = dict(actor=OAR, group="cms", initiative="oar")
    if reason is not None:
        fields["reason"] = reason
    with pytest.raises(ValidationError) as caught:
        c.TerminateGroup(**fields)
    assert any(err["loc"] == ("reason",) for err in caught.value.errors())


def _terminated():
    group = active_group(visibility="private")
    join_members(group, "a-1")
    gathering_in(group, "meetup", approve=False)
    group.request_membership(c.RequestMembership(actor=member("a-2"), group="cms"), T0 + DAY)
    group.terminate(c.TerminateGroup(actor=OAR, group="cms", initiative="oar", reason="closing"), T0 + 2 * DAY)
    return group


AFTER = T0 + 3 * DAY
TERMINATED_COMMANDS = {
    "approve": c.ApproveGroup(actor=OAR, group="cms", reason="reopen"),
    "reject": c.RejectGroup(actor=OAR, group="cms", reason="reject now"),
    "appoint_manager": c.AppointManager(actor=OAR, group="cms", manager="m-3"),
    "remove_manager": c.RemoveManager(actor=OAR, group="cms", manager="m-2", reason="gone"),
    "request_membership": c.RequestMembership(actor=member("a-3"), group="cms"),
    "approve_membership": c.ApproveMembership(
        actor=M1, group="cms", member="a-2", criterion=CRITERIA[0], reason="fits"
    ),
    "leave": c.LeaveGroup(actor=member("a-1"), group="cms"),
    "request_termination": c.RequestTermination(actor=M1, group="cms", reason="again"),
    "terminate": c.TerminateGroup(actor=OAR, group="cms", initiative="oar", reason="twice"),
    "deactivate": c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, reason="idle"),
    "reactivate": c.ReactivateGroup(actor=OAR, group="cms", reason="revive"),
    "report_social_media": c.ReportSocialMediaSpace(
        actor=member("a-1"), group="cms", platform="Facebook", reason="found a page"
    ),
    "approve_gathering": c.ApproveGathering(actor=OAR, group="cms", gathering="meetup", reason="fine by me"),
    "propose_speaker": c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker="s-1"),
}


# ReportSocialMediaSpace checks the status list "group-not-closed" (same clause)
# instead of the shared "terminated-group-is-closed" rule.
CLOSED_BY = {"report_social_media": "group-not-closed"}


@pytest.mark.parametrize("method", sorted(TERMINATED_COMMANDS))
def test_s14_s32_a_terminated_group_refuses_every_further_command(method: str) -> None:
    group = _terminated()
    violation = refused(
        group,
        getattr(group, method),
        TERMINATED_COMMANDS[method],
        AFTER,
        rule=CLOSED_BY.get(method, "terminated-group-is-closed"),
        section="§32",
    )
    assert cites(violation.clause, "§14")
    assert group.status is GroupStatus.TERMINATED


def test_s14_s32_a_terminated_group_refuses_new_events() -> None:
    group = _terminated()
    refused(
        group,
        group.propose_gathering,
        propose_command(group, "another"),
        AFTER,
        rule="terminated-group-is-closed",
        section="§14",
    )


# -- §19 moderation by the group's own managers ------------------------------------


@pytest.mark.parametrize(
    "actor",
    [manager("m-9"), member("a-9"), OAR],
    ids=["another-group-s-manager", "member", "oar"],
)
@pytest.mark.parametrize("decide", ["approve_membership", "reject_membership"])
def test_s19_only_the_group_s_managers_moderate(actor, decide: str) -> None:
    atlas = active_group("atlas", managers=("m-9", "m-8"))
    assert "m-9" in atlas.managers
    group, _ = _requested()
    command_class = c.ApproveMembership if decide == "approve_membership" else c.RejectMembership
    refused(
        group,
        getattr(group, decide),
        command_class(actor=actor, group="cms", member="a-1", criterion=CRITERIA[0], reason="my call"),
        T0 + 2 * DAY,
        rule="only-managers-moderate",
        section="§19",
    )


def test_s19_a_manager_claiming_the_member_role_cannot_moderate() -> None:
    group, _ = _requested()
    refused(
        group,
        group.approve_membership,
        c.ApproveMembership(actor=member("m-1"), group="cms", member="a-1", criterion=CRITERIA[0], reason="fine by me"),
        T0 + 2 * DAY,
        rule="only-managers-moderate",
        section="§19",
    )


# -- §19 deactivation ----------------------------------------------------------------


@pytest.mark.parametrize("actor", [M1, member("a-1")], ids=["manager", "member"])
def test_s19_only_the_oar_deactivates(actor) -> None:
    group = active_group()
    refused(
        group,
        group.deactivate,
        c.DeactivateGroup(actor=actor, group="cms", discussed_with_managers=True, reason="idle"),
        T0 + 400 * DAY,
        rule="only-oar-deactivates",
        section="§19",
    )


def test_s19_the_oar_deactivates_and_records_inactive_days() -> None:
    group = active_group()
    join_members(group, "a-1", at=T0 + 10 * DAY)
    event = accepted(
        group,
        group.deactivate,
        c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, reason="idle for a year"),
        T0 + 410 * DAY,
    )
    assert isinstance(event, e.GroupDeactivated)
    assert event.inactive_days == 400
    assert event.discussed_with_managers is True
    assert cites(event.clause, "§19")
    assert group.status is GroupStatus.DEACTIVATED

    event = accepted(group, group.reactivate, c.ReactivateGroup(actor=OAR, group="cms", reason="new plan"), T0 + 420 * DAY)
    assert isinstance(event, e.GroupReactivated)
    assert group.status is GroupStatus.ACTIVE


def test_s19_only_an_active_group_is_deactivated_only_a_deactivated_one_reactivated() -> None:
    group = request_group(managers=("m-1", "m-2"))
    refused(
        group,
        group.deactivate,
        c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, reason="idle"),
        T0,
        rule="group-is-active",
        section="§11",
    )
    refused(
        group,
        group.reactivate,
        c.ReactivateGroup(actor=OAR, group="cms", reason="revive"),
        T0,
        rule="group-is-deactivated",
        section="§19",
    )


# -- §6 social media ---------------------------------------------------------------


def test_s6_a_reported_social_media_space_is_recorded() -> None:
    group = active_group()
    event = accepted(
        group,
        group.report_social_media,
        c.ReportSocialMediaSpace(actor=member("a-1"), group="cms", platform="LinkedIn", reason="found a page"),
        T0 + DAY,
    )
    assert isinstance(event, e.SocialMediaSpaceReported)
    assert event.platform == "LinkedIn"
    assert cites(event.clause, "§6")
    assert group.social_media_reports == [(T0 + DAY, "LinkedIn")]


def test_s6_a_system_actor_may_not_report() -> None:
    from domain.actors import Actor

    group = active_group()
    refused(
        group,
        group.report_social_media,
        c.ReportSocialMediaSpace(
            actor=Actor(id="sys-1", role="system"), group="cms", platform="X", reason="crawler"
        ),
        T0,
        rule="registered-actors-report",
        section="§6",
    )
