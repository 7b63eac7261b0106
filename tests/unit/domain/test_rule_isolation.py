"""Rule objects checked on their own: ``rule.check(Situation(...))`` with stand-in state.

The group, gathering and sponsorship are ``SimpleNamespace`` stand-ins, so each rule is
shown to depend only on what it reads. One section per module of ``domain.policy``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace as NS

import pytest

from domain import commands as c
from domain.actors import Actor
from domain.errors import HeldForReview, RuleViolation
from domain.policy import authority, cern, cern_diversity, cern_events, cern_groups, cern_sponsorship, lifecycle, lse
from domain.policy.base import OAR_GOVERNANCE, Governs, PolicyPack, Rule, Situation
from domain.policy.registry import installed_packs, policy_pack
from domain.values import GatheringStatus, GroupStatus, Role, SponsorSector, Visibility

pytestmark = pytest.mark.unit

AT = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
OAR = Actor(id="oar-1", role="oar")
M1 = Actor(id="m-1", role="manager")
A1 = Actor(id="a-1", role="member")


def group(**fields):
    base = dict(
        slug="cms",
        status=GroupStatus.ACTIVE,
        visibility=Visibility.PRIVATE,
        managers={"m-1", "m-2"},
        members=set(),
        pending_requests={},
        membership_criteria=("worked on CMS",),
        termination_requested=False,
    )
    return NS(**(base | fields))


def gathering(**fields):
    base = dict(
        slug="meetup",
        status=GatheringStatus.APPROVED,
        starts_at=AT + timedelta(days=10),
        speakers={},
        participants=set(),
        attendance_recorded=False,
        under_18_audience=False,
    )
    return NS(**(base | fields))


def passes(rule: Rule, situation: Situation) -> None:
    assert rule.check(situation) is None


def fails(rule: Rule, situation: Situation, *, section: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        rule.check(situation)
    assert caught.value.rule == rule.name
    assert caught.value.clause == rule.clause
    assert section in rule.clause
    return caught.value


def test_rule_repr_names_rule_and_clause() -> None:
    assert repr(cern_groups.ManagerLimitOnAppointment()) == "<at-most-three-managers CERN-AG §7>"


# -- domain.policy.authority ---------------------------------------------------------------


def test_requires_role() -> None:
    rule = authority.RequiresRole("only-oar", "CERN-AG §11", Role.OAR_OFFICER)
    command = c.ApproveGroup(actor=OAR, group="cms", reason="looks good")
    passes(rule, Situation(command, AT))
    violation = fails(rule, Situation(command.model_copy(update={"actor": M1}), AT), section="§11")
    assert "only oar may" in violation.message


def test_actor_manages_group() -> None:
    rule = authority.ActorManagesGroup("managers", "CERN-AG §19")
    command = c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member="a-1")
    passes(rule, Situation(command, AT, group=group()))
    fails(rule, Situation(command, AT, group=group(managers={"m-8", "m-9"})), section="§19")
    fails(rule, Situation(command.model_copy(update={"actor": OAR}), AT, group=group()), section="§19")
    as_member = command.model_copy(update={"actor": Actor(id="m-1", role="member")})
    fails(rule, Situation(as_member, AT, group=group()), section="§19")


def test_actor_manages_group_or_oar() -> None:
    rule = authority.ActorManagesGroup("appoint", "CERN-AG §7", oar_may=True)
    command = c.AppointManager(actor=OAR, group="cms", manager="m-3")
    passes(rule, Situation(command, AT, group=group(managers=set())))
    fails(rule, Situation(command.model_copy(update={"actor": A1}), AT, group=group()), section="§7")


def test_actor_is_member() -> None:
    rule = authority.ActorIsMember("CERN-AG §8")
    passes(rule, Situation(c.JoinGroup(actor=A1, group="cms"), AT))
    fails(rule, Situation(c.JoinGroup(actor=OAR, group="cms"), AT), section="§8")


# -- domain.policy.lifecycle ------------------------------------------------------------------


def test_group_not_terminated() -> None:
    rule = lifecycle.GroupNotTerminated("CERN-AG §14, §32")
    command = c.ApproveGroup(actor=OAR, group="cms", reason="looks good")
    for status in GroupStatus:
        situation = Situation(command, AT, group=group(status=status))
        if status is GroupStatus.TERMINATED:
            fails(rule, situation, section="§32")
        else:
            passes(rule, situation)


def test_group_in() -> None:
    rule = lifecycle.GroupIn("forming", "CERN-AG §7", GroupStatus.REQUESTED, GroupStatus.ACTIVE)
    command = c.AppointManager(actor=OAR, group="cms", manager="m-3")
    passes(rule, Situation(command, AT, group=group(status=GroupStatus.REQUESTED)))
    violation = fails(rule, Situation(command, AT, group=group(status=GroupStatus.REJECTED)), section="§7")
    assert "rejected, not requested or active" in violation.message


def test_gathering_in() -> None:
    rule = lifecycle.GatheringIn("approved", "CERN-AG §20", GatheringStatus.APPROVED)
    command = c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=AT.date())
    passes(rule, Situation(command, AT, group=group(), gathering=gathering()))
    fails(rule, Situation(command, AT, gathering=gathering(status=GatheringStatus.PROPOSED)), section="§20")


def test_sponsorship_pending() -> None:
    rule = lifecycle.SponsorshipPending("CERN-AG §25")
    command = c.RejectSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="no thanks")
    passes(rule, Situation(command, AT, sponsorship=NS(slug="acme", status="requested")))
    fails(rule, Situation(command, AT, sponsorship=NS(slug="acme", status="approved")), section="§25")


def test_before_and_after_gathering_starts() -> None:
    before = lifecycle.BeforeGatheringStarts("beforehand", "CERN-AG §22")
    after = lifecycle.AfterGatheringStarts("CERN-AG §30")
    command = c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker="s-1")
    starts = gathering().starts_at
    passes(before, Situation(command, starts - timedelta(seconds=1), gathering=gathering()))
    fails(before, Situation(command, starts, gathering=gathering()), section="§22")
    fails(after, Situation(command, starts - timedelta(seconds=1), gathering=gathering()), section="§30")
    passes(after, Situation(command, starts, gathering=gathering()))


# -- domain.policy.cern_groups ------------------------------------------------------------------


def test_manager_limit_on_appointment() -> None:
    rule = cern_groups.ManagerLimitOnAppointment()
    command = c.AppointManager(actor=OAR, group="cms", manager="m-3")
    passes(rule, Situation(command, AT, group=group(managers={"m-1", "m-2"})))
    fails(rule, Situation(command, AT, group=group(managers={"m-1", "m-2", "m-4"})), section="§7")
    fails(rule, Situation(command, AT, group=group(managers={"m-3"})), section="§7")


def test_manager_limit_on_removal() -> None:
    rule = cern_groups.ManagerLimitOnRemoval()
    command = c.RemoveManager(actor=OAR, group="cms", manager="m-2", reason="stepped down")
    passes(rule, Situation(command, AT, group=group(managers={"m-1", "m-2", "m-3"})))
    passes(rule, Situation(command, AT, group=group(status=GroupStatus.REQUESTED, managers={"m-1", "m-2"})))
    fails(rule, Situation(command, AT, group=group(managers={"m-1", "m-2"})), section="§7")


def test_enough_managers_to_activate() -> None:
    rule = cern_groups.EnoughManagersToActivate()
    command = c.ApproveGroup(actor=OAR, group="cms", reason="looks good")
    passes(rule, Situation(command, AT, group=group(managers={"m-1", "m-2"})))
    fails(rule, Situation(command, AT, group=group(managers={"m-1"})), section="§7")


def _request(**fields):
    base = dict(
        actor=A1,
        group="cms",
        name="CMS",
        group_type="scientific-collaboration",
        managed_by="alumni",
        visibility="private",
        objectives="Keep CMS alumni in touch",
        membership_criteria=("worked on CMS",),
        proposed_managers=("m-1",),
    )
    return c.RequestGroup(**(base | fields))


def test_objectives_defined() -> None:
    rule = cern_groups.ObjectivesDefined()
    passes(rule, Situation(_request(), AT))
    passes(rule, Situation(_request(visibility="public", membership_criteria=()), AT))
    fails(rule, Situation(_request(objectives="CMS"), AT), section="§15")
    fails(rule, Situation(_request(membership_criteria=()), AT), section="§9")


def test_public_and_private_only() -> None:
    public, private = group(visibility=Visibility.PUBLIC), group(visibility=Visibility.PRIVATE)
    join = c.JoinGroup(actor=A1, group="cms")
    passes(cern_groups.PublicGroupOnly(), Situation(join, AT, group=public))
    fails(cern_groups.PublicGroupOnly(), Situation(join, AT, group=private), section="§8")
    ask = c.RequestMembership(actor=A1, group="cms")
    passes(cern_groups.PrivateGroupOnly(), Situation(ask, AT, group=private))
    fails(cern_groups.PrivateGroupOnly(), Situation(ask, AT, group=public), section="§9")


def test_not_already_member_or_pending_and_is_member() -> None:
    ask = c.RequestMembership(actor=A1, group="cms")
    rule = cern_groups.NotAlreadyMemberOrPending()
    passes(rule, Situation(ask, AT, group=group(members={"a-2"})))
    fails(rule, Situation(ask, AT, group=group(members={"a-1"})), section="§9")
    fails(rule, Situation(ask, AT, group=group(pending_requests={"a-1": AT})), section="§9")
    leave = c.LeaveGroup(actor=A1, group="cms")
    passes(cern_groups.IsMember(), Situation(leave, AT, group=group(members={"a-1"})))
    fails(cern_groups.IsMember(), Situation(leave, AT, group=group()), section="§7")


def test_has_pending_request_and_cites_criterion() -> None:
    command = c.ApproveMembership(actor=M1, group="cms", member="a-1", criterion="worked on CMS", reason="fits")
    pending = group(pending_requests={"a-1": AT})
    passes(cern_groups.HasPendingRequest(), Situation(command, AT, group=pending))
    fails(cern_groups.HasPendingRequest(), Situation(command, AT, group=group()), section="§9")
    passes(cern_groups.CitesGroupCriterion(), Situation(command, AT, group=pending))
    other = command.model_copy(update={"criterion": "worked on ATLAS"})
    fails(cern_groups.CitesGroupCriterion(), Situation(other, AT, group=pending), section="§9")


GROUNDS = {
    "profession": "because of their profession",
    "nationality": "because of their nationality",
    "culture": "because of their culture",
    "age": "because of their age",
    "generation": "because of their generation",
    "gender": "because of their gender",
    "individual preferences": "because of their individual preferences",
}


def _reject(reason: str) -> c.RejectMembership:
    return c.RejectMembership(actor=M1, group="cms", member="a-1", criterion="worked on CMS", reason=reason)


@pytest.mark.parametrize("ground", sorted(GROUNDS))
def test_no_discriminatory_grounds_refuses_each_ground(ground: str) -> None:
    rule = cern_diversity.NoDiscriminatoryGrounds()
    violation = fails(rule, Situation(_reject(GROUNDS[ground]), AT), section="§9")
    assert f"{ground} (" in violation.message
    assert cern_diversity.SCREEN.screen(GROUNDS[ground]).grounds == (ground,)


@pytest.mark.parametrize(
    "reason",
    [
        "no record of work on the CMS experiment",
        "we found no trace of CMS authorship",  # "trace" is not "race"
        "worked in agricultural physics, not on CMS",  # "agricultural" is not "cultural"
        "did not embrace the group's objectives",
    ],
)
def test_no_discriminatory_grounds_accepts_a_neutral_reason(reason: str) -> None:
    for rule in (cern_diversity.NoDiscriminatoryGrounds(), cern_diversity.NoDiscriminatoryGrounds(hold_uncertain=True)):
        passes(rule, Situation(_reject(reason), AT))


def test_no_discriminatory_grounds_holds_an_uncertain_rejection_only_when_asked() -> None:
    uncertain = Situation(_reject("the applicant is Italian"), AT)
    passes(cern_diversity.NoDiscriminatoryGrounds(), uncertain)  # approvals and requests: not held
    with pytest.raises(HeldForReview) as caught:
        cern_diversity.NoDiscriminatoryGrounds(hold_uncertain=True).check(uncertain)
    assert caught.value.grounds == ("nationality",) and "'italian'" in caught.value.evidence
    assert caught.value.clause.startswith("CERN-AG §9")


def test_no_discriminatory_grounds_reads_criteria_of_a_group_request() -> None:
    rule = cern_diversity.NoDiscriminatoryGrounds()
    passes(rule, Situation(_request(), AT))
    fails(rule, Situation(_request(membership_criteria=("women only",)), AT), section="§9")


def test_held_rejections_only_are_reviewed() -> None:
    rule = cern_diversity.HasHeldRejection()
    uphold = c.UpholdRejection(actor=OAR, group="cms", member="a-1", reason="the reason is the criterion")
    passes(rule, Situation(uphold, AT, group=group(held_rejections={"a-1": object()})))
    fails(rule, Situation(uphold, AT, group=group(held_rejections={})), section="§9")


def test_deactivation_needs_a_year_of_inactivity_or_another_clause() -> None:
    rule = cern_groups.DeactivationGrounds()
    idle = c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, reason="idle")
    passes(rule, Situation(idle, AT, group=group(last_activity=AT - timedelta(days=366))))
    violation = fails(rule, Situation(idle, AT, group=group(last_activity=AT - timedelta(days=365))), section="§19")
    assert "365 days ago" in violation.message
    other = c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, ground="other",
                              other_clause="§12", reason="breach")
    passes(rule, Situation(other, AT, group=group(last_activity=AT)))
    unknown = c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, ground="other",
                                other_clause="§45", reason="breach")
    assert "§45" in fails(rule, Situation(unknown, AT, group=group(last_activity=AT)), section="§19").message


def test_termination_grounds_and_single_request() -> None:
    rule = cern_groups.TerminationGrounds()
    by_request = c.TerminateGroup(actor=OAR, group="cms", initiative="managers-request", reason="they asked")
    own = c.TerminateGroup(actor=OAR, group="cms", initiative="oar", reason="breach of rules")
    passes(rule, Situation(by_request, AT, group=group(termination_requested=True)))
    fails(rule, Situation(by_request, AT, group=group()), section="§32")
    passes(rule, Situation(own, AT, group=group()))
    once = cern_groups.NoPendingTerminationRequest()
    ask = c.RequestTermination(actor=M1, group="cms", reason="no more time")
    passes(once, Situation(ask, AT, group=group()))
    fails(once, Situation(ask, AT, group=group(termination_requested=True)), section="§32")


# -- domain.policy.cern_events -------------------------------------------------------------------


def _propose(**fields):
    base = dict(
        actor=M1,
        group="cms",
        gathering="meetup",
        title="Meetup",
        starts_at=AT + timedelta(days=30),
        purpose="scientific",
        connection="a tour of the CMS detector",
    )
    return c.ProposeGathering(**(base | fields))


def test_event_is_relevant() -> None:
    rule = cern_events.EventIsRelevant()
    passes(rule, Situation(_propose(), AT))
    for bad in ({"for_financial_gain": True}, {"political": True}, {"connection": "CMS alumni"}):
        fails(rule, Situation(_propose(**bad), AT), section="§21")


def test_fee_at_cost() -> None:
    rule = cern_events.FeeAtCost()
    passes(rule, Situation(_propose(fee_per_participant=Decimal("10"), cost_per_participant=Decimal("10")), AT))
    fails(
        rule,
        Situation(_propose(fee_per_participant=Decimal("10.01"), cost_per_participant=Decimal("10")), AT),
        section="§24",
    )


def test_event_in_future() -> None:
    rule = cern_events.EventInFuture()
    passes(rule, Situation(_propose(starts_at=AT + timedelta(minutes=1)), AT))
    fails(rule, Situation(_propose(starts_at=AT), AT), section="§20")


def test_speaker_rules() -> None:
    propose = c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker="s-1")
    passes(cern_events.SpeakerProposedOnce(), Situation(propose, AT, gathering=gathering()))
    fails(
        cern_events.SpeakerProposedOnce(),
        Situation(propose, AT, gathering=gathering(speakers={"s-1": "rejected"})),
        section="§22",
    )
    approve = c.ApproveSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-1", reason="good talk")
    rule = cern_events.SpeakerAwaitsDecision()
    passes(rule, Situation(approve, AT, gathering=gathering(speakers={"s-1": "proposed"})))
    fails(rule, Situation(approve, AT, gathering=gathering()), section="§22")
    fails(rule, Situation(approve, AT, gathering=gathering(speakers={"s-1": "approved"})), section="§22")


def test_participant_is_member() -> None:
    rule = cern_events.ParticipantIsMember()
    command = c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member="a-1")
    passes(rule, Situation(command, AT, group=group(members={"a-1"}), gathering=gathering()))
    fails(rule, Situation(command, AT, group=group(), gathering=gathering()), section="§19")
    fails(
        rule,
        Situation(command, AT, group=group(members={"a-1"}), gathering=gathering(participants={"a-1"})),
        section="§19",
    )


def test_attendance_of_registered() -> None:
    rule = cern_events.AttendanceOfRegistered()
    command = c.RecordAttendance(
        actor=M1, group="cms", gathering="meetup", marks={"a-1": "attended"}, unregistered_attendees=("x-1",)
    )
    passes(rule, Situation(command, AT, gathering=gathering(participants={"a-1", "a-2"})))
    fails(rule, Situation(command, AT, gathering=gathering(participants={"a-2"})), section="§30")
    fails(
        rule,
        Situation(command, AT, gathering=gathering(participants={"a-1"}, attendance_recorded=True)),
        section="§30",
    )


# -- domain.policy.cern_sponsorship --------------------------------------------------------------


def _sponsor(**fields):
    base = dict(
        actor=M1,
        group="cms",
        gathering="meetup",
        sponsorship="acme",
        sponsor="ACME",
        sector="other",
        bidding_for_cern_contracts=False,
        offers_cern_name_or_logo=False,
        reason="pays for coffee",
    )
    return c.RequestSponsorship(**(base | fields))


@pytest.mark.parametrize(
    ("rule", "bad", "under_18"),
    [
        (cern_sponsorship.NotBiddingForCernContracts(), {"bidding_for_cern_contracts": True}, False),
        (cern_sponsorship.NoWeaponsOrTobacco(), {"sector": "weapons"}, False),
        (cern_sponsorship.NoWeaponsOrTobacco(), {"sector": "tobacco"}, False),
        (cern_sponsorship.NoAlcoholForUnder18(), {"sector": "alcohol"}, True),
        (cern_sponsorship.NoCernNameOffered(), {"offers_cern_name_or_logo": True}, False),
    ],
    ids=["bidding", "weapons", "tobacco", "alcohol-under-18", "cern-logo"],
)
def test_screening_rule_on_the_request(rule, bad, under_18: bool) -> None:
    audience = gathering(under_18_audience=under_18)
    passes(rule, Situation(_sponsor(), AT, gathering=audience))
    fails(rule, Situation(_sponsor(**bad), AT, gathering=audience), section="§26")
    finding = rule.finding(Situation(_sponsor(**bad), AT, gathering=audience))
    assert (finding.rule, finding.passed) == (rule.name, False)


def test_alcohol_for_adults_passes_screening() -> None:
    situation = Situation(_sponsor(sector="alcohol"), AT, gathering=gathering(under_18_audience=False))
    assert all(f.passed for f in cern_sponsorship.screen(situation))


def test_screening_reads_the_recorded_sponsorship_once_it_exists() -> None:
    # On a decision the facts come from the recorded sponsorship, not the command.
    decision = c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="fine")
    recorded = NS(
        slug="acme",
        sector=SponsorSector.TOBACCO,
        bidding_for_cern_contracts=False,
        offers_cern_name_or_logo=False,
        status="requested",
    )
    situation = Situation(decision, AT, gathering=gathering(), sponsorship=recorded)
    findings = {f.rule: f.passed for f in cern_sponsorship.screen(situation)}
    assert findings == {
        "sponsor-not-bidding": True,
        "no-weapons-or-tobacco-sponsor": False,
        "no-alcohol-sponsor-for-under-18s": True,
        "no-cern-name-or-logo-offered": True,
    }
    fails(cern_sponsorship.NoWeaponsOrTobacco(), situation, section="§26")


def test_sponsorship_for_approved_event_and_once() -> None:
    rule = cern_sponsorship.SponsorshipForApprovedEvent()
    for status in GatheringStatus:
        situation = Situation(_sponsor(), AT, gathering=gathering(status=status))
        if status in (GatheringStatus.APPROVED, GatheringStatus.LISTED):
            passes(rule, situation)
        else:
            fails(rule, situation, section="§25")
    once = cern_sponsorship.OneSponsorshipPerRef()
    passes(once, Situation(_sponsor(), AT))
    fails(once, Situation(_sponsor(), AT, sponsorship=NS(slug="acme")), section="§25")


# -- domain.policy.cern / lse / base / registry: the packs --------------------------------------


def test_cern_named_instances_check_in_isolation() -> None:
    approve = c.ApproveGroup(actor=M1, group="cms", reason="looks good")
    fails(cern.only_oar_decides_groups, Situation(approve, AT), section="§16")
    passes(cern.only_oar_decides_groups, Situation(approve.model_copy(update={"actor": OAR}), AT))
    fails(cern.open_group, Situation(approve, AT, group=group(status=GroupStatus.TERMINATED)), section="§14")


def test_cern_pack_governs_every_command_with_a_cern_clause() -> None:
    governed = set(cern.PACK.decisions)
    commands = {
        cls for cls in vars(c).values()
        if isinstance(cls, type) and issubclass(cls, c.Command) and cls.__module__.startswith("domain.")  # re-exported too
    }  # fmt: skip
    abstract = {c.Command, c.GroupCommand, c.GatheringCommand, c.SponsorshipCommand}
    lse_only = {c.ShareActivityPlan, c.ReportAlumniData}  # LSE's annual plan and alumni-data rules
    assert governed == commands - abstract - lse_only
    assert lse_only <= set(lse.PACK.decisions)
    for governs in cern.PACK.decisions.values():
        assert governs.clause.startswith("CERN-AG §")
        assert governs.rules, governs
        # every rule cites a clause, or says it is the OAR's own governance rule
        assert all(rule.name and (rule.clause.startswith("CERN-AG") or rule.clause == OAR_GOVERNANCE)
                   for rule in governs.rules)  # fmt: skip


def test_lse_named_instances_check_in_isolation() -> None:
    approve = c.ApproveGroup(actor=OAR, group="lse-nyc", reason="looks good")
    passes(lse.engagement_team, Situation(approve, AT))
    violation = fails(lse.engagement_team, Situation(approve.model_copy(update={"actor": M1}), AT), section="LSE-AG")
    assert violation.clause == "LSE-AG 'Alumni groups'"
    passes(lse.awaiting, Situation(approve, AT, group=group(status=GroupStatus.REQUESTED)))
    fails(lse.awaiting, Situation(approve, AT, group=group()), section="LSE-AG")


def test_policy_pack_enforce_runs_rules_in_order_and_returns_the_clause() -> None:
    seen: list[str] = []

    class Probe(Rule):
        def __init__(self, name: str, refuse: bool) -> None:
            self.name, self.clause, self.refuses = name, "TEST §1", refuse

        def check(self, situation: Situation) -> None:
            seen.append(self.name)
            if self.refuses:
                self.refuse("no")

    pack = PolicyPack(
        name="test",
        title="Test",
        source=cern.PACK.source,
        decisions={
            c.JoinGroup: Governs("TEST §8", (Probe("first", False), Probe("second", False))),
            c.LeaveGroup: Governs("TEST §9", (Probe("stop", True), Probe("never", False))),
        },
    )
    assert pack.enforce(Situation(c.JoinGroup(actor=A1, group="cms"), AT)) == "TEST §8"
    assert seen == ["first", "second"]
    with pytest.raises(RuleViolation) as caught:
        pack.enforce(Situation(c.LeaveGroup(actor=A1, group="cms"), AT))
    assert caught.value.rule == "stop" and seen[-1] == "stop"
    with pytest.raises(RuleViolation) as caught:
        pack.enforce(Situation(c.RequestMembership(actor=A1, group="cms"), AT))
    assert (caught.value.rule, caught.value.clause) == ("command-not-governed", "Test")  # the title, not the file


def test_registry_lists_the_installed_packs() -> None:
    assert set(installed_packs()) == {"cern", "lse"}
    assert policy_pack("cern", date(2025, 6, 1)) is cern.PACK and policy_pack("lse") is lse.PACK
    with pytest.raises(LookupError, match="unknown policy pack 'mit'"):
        policy_pack("mit")


def test_every_pack_name_a_command_accepts_is_installed_and_the_reverse() -> None:
    from domain.values import PackName

    assert {name.value for name in PackName} == set(installed_packs())
