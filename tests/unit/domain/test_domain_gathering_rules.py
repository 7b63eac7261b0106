"""CERN rules about group events ("gatherings") and their sponsorships, through the aggregate.

§19/§30 participants and attendance, §20/§21 approval and relevance, §22 speakers,
§24 fees, §25 prior consent to sponsorship, §26 sponsor screening, Annex 1 listing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_domain_support import (
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
    sponsorship_command,
)

from domain import commands as c
from domain.errors import AlreadyRecorded, NotFound
from domain.events import gathering as ge
from domain.events import sponsorship as se
from domain.values import GatheringStatus

pytestmark = pytest.mark.unit

STARTS = T0 + 60 * DAY
BEFORE = T0 + 10 * DAY
AFTER = STARTS + DAY


def _group_with_event(*, approve: bool = True, visibility: str = "public", **overrides):
    group = active_group(visibility=visibility)
    gathering_in(group, "meetup", approve=approve, **overrides)
    return group


# -- §19, §30 participants and attendance ------------------------------------------


def test_s19_a_participant_must_be_a_member() -> None:
    group = _group_with_event()
    refused(
        group,
        group.register_participant,
        c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member="a-1"),
        BEFORE,
        rule="participants-are-members",
        section="§19",
    )


def test_s19_a_member_is_registered_once() -> None:
    group = _group_with_event()
    join_members(group, "a-1")
    event = accepted(
        group,
        group.register_participant,
        c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member="a-1"),
        BEFORE,
    )
    assert isinstance(event, ge.ParticipantRegistered) and event.member_id == "a-1"
    assert cites(event.clause, "§19")
    assert group.gatherings["meetup"].participants == {"a-1"}
    refused(
        group,
        group.register_participant,
        c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member="a-1"),
        BEFORE,
        rule="participants-are-members",
        section="§19",
    )


def test_s19_participants_are_registered_for_an_approved_event_by_its_managers() -> None:
    group = _group_with_event(approve=False)
    join_members(group, "a-1")
    refused(
        group,
        group.register_participant,
        c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member="a-1"),
        BEFORE,
        rule="event-approved-or-listed",
        section="§20",
    )
    group = _group_with_event()
    join_members(group, "a-1")
    refused(
        group,
        group.register_participant,
        c.RegisterParticipant(actor=member("a-1"), group="cms", gathering="meetup", member="a-1"),
        BEFORE,
        rule="managers-run-events",
        section="§19",
    )


def _registered(*people: str):
    group = _group_with_event()
    join_members(group, *people)
    for person in people:
        group.register_participant(
            c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member=person), BEFORE
        )
    return group


def test_s30_attendance_is_recorded_only_after_the_event() -> None:
    group = _registered("a-1")
    refused(
        group,
        group.record_attendance,
        c.RecordAttendance(actor=M1, group="cms", gathering="meetup", marks={"a-1": "attended"}),
        STARTS - DAY,
        rule="attendance-after-the-event",
        section="§30",
    )


def test_s30_attendance_is_recorded_only_for_registered_participants() -> None:
    group = _registered("a-1")
    violation = refused(
        group,
        group.record_attendance,
        c.RecordAttendance(
            actor=M1, group="cms", gathering="meetup", marks={"a-1": "attended", "x-1": "attended"}
        ),
        AFTER,
        rule="attendance-of-registered",
        section="§30",
    )
    assert "x-1" in violation.message and "Annex 1" in violation.clause


def test_s30_attendance_records_marks_and_unregistered_attendees() -> None:
    group = _registered("a-1", "a-2", "a-3")
    event = accepted(
        group,
        group.record_attendance,
        c.RecordAttendance(
            actor=M2,
            group="cms",
            gathering="meetup",
            marks={"a-3": "attended", "a-1": "attended", "a-2": "did-not-attend"},
            unregistered_attendees=("x-2", "x-1"),
        ),
        AFTER,
    )
    assert isinstance(event, ge.AttendanceRecorded)
    assert event.attended == ("a-1", "a-3")
    assert event.did_not_attend == ("a-2",)
    assert event.unregistered_attendees == ("x-1", "x-2")
    assert cites(event.clause, "§30") and cites(event.clause, "§19") and "Annex 1" in event.clause
    gathering = group.gatherings["meetup"]
    assert gathering.status is GatheringStatus.HELD
    assert gathering.unregistered_attendees == ("x-1", "x-2")
    assert gathering.attendance["a-2"].value == "did-not-attend"
    assert group.last_activity == AFTER


def test_s30_attendance_is_recorded_once() -> None:
    group = _registered("a-1")
    group.record_attendance(
        c.RecordAttendance(actor=M1, group="cms", gathering="meetup", marks={"a-1": "attended"}), AFTER
    )
    # The event is now HELD: the status check refuses before the duplicate check.
    refused(
        group,
        group.record_attendance,
        c.RecordAttendance(actor=M1, group="cms", gathering="meetup", marks={"a-1": "attended"}),
        AFTER,
        rule="event-approved-or-listed",
        section="§20",
    )


# -- §20, §21 approval and relevance ------------------------------------------------


def test_s20_proposing_an_event_is_recorded_with_its_terms() -> None:
    group = active_group()
    event = accepted(group, group.propose_gathering, propose_command(group), T0 + DAY)
    assert isinstance(event, ge.GatheringProposed)
    assert event.gathering == "meetup" and event.starts_at == STARTS
    assert event.fee_per_participant == Decimal("20.00")
    assert cites(event.clause, "§20") and cites(event.clause, "§21") and cites(event.clause, "§24")
    assert group.gatherings["meetup"].status is GatheringStatus.PROPOSED


@pytest.mark.parametrize("actor", [M1, member("a-1")], ids=["manager", "member"])
def test_s20_only_the_oar_approves_an_event(actor) -> None:
    group = _group_with_event(approve=False)
    refused(
        group,
        group.approve_gathering,
        c.ApproveGathering(actor=actor, group="cms", gathering="meetup", reason="we approve"),
        T0 + 2 * DAY,
        rule="only-oar-approves-events",
        section="§20",
    )
    assert group.gatherings["meetup"].status is GatheringStatus.PROPOSED


def test_s20_the_oar_approves_or_rejects_an_event_once() -> None:
    group = _group_with_event(approve=False)
    event = accepted(
        group,
        group.approve_gathering,
        c.ApproveGathering(actor=OAR, group="cms", gathering="meetup", reason="relevant"),
        T0 + 2 * DAY,
    )
    assert isinstance(event, ge.GatheringApproved) and cites(event.clause, "§20")
    assert group.gatherings["meetup"].status is GatheringStatus.APPROVED
    refused(
        group,
        group.reject_gathering,
        c.RejectGathering(actor=OAR, group="cms", gathering="meetup", reason="changed our mind"),
        T0 + 3 * DAY,
        rule="event-awaits-oar-decision",
        section="§20",
    )


def test_s20_the_oar_rejects_an_event() -> None:
    group = _group_with_event(approve=False)
    event = accepted(
        group,
        group.reject_gathering,
        c.RejectGathering(actor=OAR, group="cms", gathering="meetup", reason="not relevant"),
        T0 + 2 * DAY,
    )
    assert isinstance(event, ge.GatheringRejected) and event.reason == "not relevant"
    assert group.gatherings["meetup"].status is GatheringStatus.REJECTED


def test_s20_an_unapproved_event_cannot_be_listed() -> None:
    group = _group_with_event(approve=False)
    refused(
        group,
        group.list_gathering,
        c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=(T0 + 2 * DAY).date()),
        T0 + 2 * DAY,
        rule="event-approved-by-oar",
        section="§20",
    )


def test_s20_an_event_is_proposed_before_it_takes_place() -> None:
    group = active_group()
    refused(
        group,
        group.propose_gathering,
        propose_command(group, starts_at=T0 + DAY),
        T0 + DAY,
        rule="event-proposed-ahead",
        section="§20",
    )


def test_s20_only_the_group_s_managers_propose_events() -> None:
    group = active_group()
    refused(
        group,
        group.propose_gathering,
        propose_command(group, actor=manager("m-9")),
        T0 + DAY,
        rule="managers-run-events",
        section="§20",
    )


def test_s20_an_event_slug_is_recorded_once() -> None:
    group = _group_with_event()
    with pytest.raises(AlreadyRecorded):
        group.propose_gathering(propose_command(group), T0 + DAY)


def test_an_unknown_event_is_not_found() -> None:
    group = active_group()
    with pytest.raises(NotFound):
        group.approve_gathering(
            c.ApproveGathering(actor=OAR, group="cms", gathering="nope", reason="relevant"), T0
        )


@pytest.mark.parametrize(
    ("overrides", "wording"),
    [
        ({"for_financial_gain": True}, "financial gain"),
        ({"political": True}, "political"),
        ({"connection": "CMS"}, "connection"),
        ({"connection": "   none   "}, "connection"),
    ],
    ids=["financial-gain", "political", "one-word-connection", "blank-connection"],
)
def test_s21_an_irrelevant_event_is_refused(overrides, wording: str) -> None:
    group = active_group()
    violation = refused(
        group,
        group.propose_gathering,
        propose_command(group, **overrides),
        T0 + DAY,
        rule="relevant-event",
        section="§21",
    )
    assert wording in violation.message
    assert "meetup" not in group.gatherings


@pytest.mark.parametrize("purpose", ["scientific", "technological", "community-building", "cern-related"])
def test_s21_a_relevant_event_is_accepted_for_each_purpose(purpose: str) -> None:
    group = active_group()
    event = accepted(group, group.propose_gathering, propose_command(group, purpose=purpose), T0 + DAY)
    assert event.purpose.value == purpose


# -- §22 guest speakers ---------------------------------------------------------------


def _speaker_proposed():
    group = _group_with_event()
    event = accepted(
        group,
        group.propose_speaker,
        c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker="s-1"),
        BEFORE,
    )
    assert isinstance(event, ge.SpeakerProposed) and cites(event.clause, "§22")
    return group


@pytest.mark.parametrize("actor", [M1, member("a-1")], ids=["manager", "member"])
def test_s22_only_the_oar_approves_a_speaker(actor) -> None:
    group = _speaker_proposed()
    refused(
        group,
        group.approve_speaker,
        c.ApproveSpeaker(actor=actor, group="cms", gathering="meetup", speaker="s-1", reason="great talk"),
        BEFORE,
        rule="only-oar-approves-speakers",
        section="§22",
    )
    assert group.gatherings["meetup"].speakers == {"s-1": "proposed"}


def test_s22_the_oar_approves_a_speaker_before_the_event() -> None:
    group = _speaker_proposed()
    event = accepted(
        group,
        group.approve_speaker,
        c.ApproveSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-1", reason="great talk"),
        STARTS - DAY,
    )
    assert isinstance(event, ge.SpeakerApproved) and event.speaker_id == "s-1"
    assert group.gatherings["meetup"].speakers == {"s-1": "approved"}


@pytest.mark.parametrize("at", [STARTS, AFTER], ids=["at-start", "after"])
def test_s22_a_speaker_approval_after_the_start_is_refused(at) -> None:
    group = _speaker_proposed()
    refused(
        group,
        group.approve_speaker,
        c.ApproveSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-1", reason="great talk"),
        at,
        rule="speaker-approved-beforehand",
        section="§22",
    )


def test_s22_a_speaker_is_proposed_before_the_event_and_once() -> None:
    group = _speaker_proposed()
    refused(
        group,
        group.propose_speaker,
        c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker="s-2"),
        AFTER,
        rule="speaker-approved-beforehand",
        section="§22",
    )
    refused(
        group,
        group.propose_speaker,
        c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker="s-1"),
        BEFORE,
        rule="speaker-proposed-once",
        section="§22",
    )


def test_s22_the_oar_rejects_a_speaker_and_decides_once() -> None:
    group = _speaker_proposed()
    event = accepted(
        group,
        group.reject_speaker,
        c.RejectSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-1", reason="off topic"),
        BEFORE,
    )
    assert isinstance(event, ge.SpeakerRejected)
    refused(
        group,
        group.approve_speaker,
        c.ApproveSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-1", reason="on reflection"),
        BEFORE,
        rule="speaker-awaits-decision",
        section="§22",
    )


# -- §24 fees ----------------------------------------------------------------------------


def test_s24_a_fee_above_cost_is_refused() -> None:
    group = active_group()
    refused(
        group,
        group.propose_gathering,
        propose_command(group, fee_per_participant=Decimal("25.01"), cost_per_participant=Decimal("25.00")),
        T0 + DAY,
        rule="fee-at-cost",
        section="§24",
    )


@pytest.mark.parametrize(("fee", "cost"), [("25.00", "25.00"), ("0", "0"), ("10", "25.50")])
def test_s24_a_fee_at_or_below_cost_is_accepted(fee: str, cost: str) -> None:
    group = active_group()
    event = accepted(
        group,
        group.propose_gathering,
        propose_command(group, fee_per_participant=Decimal(fee), cost_per_participant=Decimal(cost)),
        T0 + DAY,
    )
    assert event.fee_per_participant == Decimal(fee)
    assert event.cost_per_participant == Decimal(cost)


# -- §25 prior consent to sponsorship ---------------------------------------------------


def _sponsorship_requested(**event_overrides):
    group = _group_with_event(**event_overrides)
    event = accepted(group, group.request_sponsorship, sponsorship_command(group, "meetup"), BEFORE)
    return group, event


@pytest.mark.parametrize("actor", [M1, member("a-1")], ids=["manager", "member"])
@pytest.mark.parametrize("decide", ["approve_sponsorship", "reject_sponsorship"])
def test_s25_only_the_oar_consents_to_a_sponsor(actor, decide: str) -> None:
    group, _ = _sponsorship_requested()
    command_class = c.ApproveSponsorship if decide == "approve_sponsorship" else c.RejectSponsorship
    refused(
        group,
        getattr(group, decide),
        command_class(actor=actor, group="cms", gathering="meetup", sponsorship="acme", reason="we agree"),
        BEFORE,
        rule="only-oar-consents-to-sponsors",
        section="§25",
    )
    assert group.gatherings["meetup"].sponsorships["acme"].status == "requested"


def test_s25_sponsorship_only_for_an_approved_event() -> None:
    group = _group_with_event(approve=False)
    refused(
        group,
        group.request_sponsorship,
        sponsorship_command(group, "meetup"),
        BEFORE,
        rule="sponsorship-for-approved-event",
        section="§25",
    )


def test_s25_sponsorship_is_requested_before_the_event() -> None:
    group = _group_with_event()
    refused(
        group,
        group.request_sponsorship,
        sponsorship_command(group, "meetup"),
        AFTER,
        rule="sponsor-consent-beforehand",
        section="§25",
    )


@pytest.mark.parametrize("at", [STARTS, AFTER], ids=["at-start", "after"])
def test_s25_consent_after_the_event_started_is_refused(at) -> None:
    group, _ = _sponsorship_requested()
    refused(
        group,
        group.approve_sponsorship,
        c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="fine"),
        at,
        rule="sponsor-consent-beforehand",
        section="§25",
    )


def test_s25_the_oar_consents_before_the_event_and_decides_once() -> None:
    group, _ = _sponsorship_requested()
    event = accepted(
        group,
        group.approve_sponsorship,
        c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="fine"),
        STARTS - DAY,
    )
    assert isinstance(event, se.SponsorshipApproved)
    assert cites(event.clause, "§25") and cites(event.clause, "§26")
    assert group.gatherings["meetup"].sponsorships["acme"].status == "approved"
    refused(
        group,
        group.reject_sponsorship,
        c.RejectSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="oops"),
        STARTS - DAY,
        rule="sponsorship-awaits-decision",
        section="§25",
    )


def test_s25_the_oar_rejects_a_sponsorship_with_the_screening() -> None:
    group, _ = _sponsorship_requested()
    event = accepted(
        group,
        group.reject_sponsorship,
        c.RejectSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="not needed"),
        BEFORE,
    )
    assert isinstance(event, se.SponsorshipRejected)
    assert len(event.screening) == 4
    assert group.gatherings["meetup"].sponsorships["acme"].status == "rejected"


def test_s25_a_sponsorship_reference_is_recorded_once() -> None:
    group, _ = _sponsorship_requested()
    refused(
        group,
        group.request_sponsorship,
        sponsorship_command(group, "meetup"),
        BEFORE,
        rule="sponsorship-recorded-once",
        section="§25",
    )


def test_an_unknown_sponsorship_is_not_found() -> None:
    group = _group_with_event()
    with pytest.raises(NotFound):
        group.approve_sponsorship(
            c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="nope", reason="fine"),
            BEFORE,
        )


# -- §26 sponsor screening ---------------------------------------------------------------

SCREENING_RULES = {
    "sponsor-not-bidding",
    "no-weapons-or-tobacco-sponsor",
    "no-alcohol-sponsor-for-under-18s",
    "no-cern-name-or-logo-offered",
}


@pytest.mark.parametrize(
    ("overrides", "under_18", "rule"),
    [
        ({"bidding_for_cern_contracts": True}, False, "sponsor-not-bidding"),
        ({"sector": "weapons"}, False, "no-weapons-or-tobacco-sponsor"),
        ({"sector": "tobacco"}, False, "no-weapons-or-tobacco-sponsor"),
        ({"sector": "alcohol"}, True, "no-alcohol-sponsor-for-under-18s"),
        ({"offers_cern_name_or_logo": True}, False, "no-cern-name-or-logo-offered"),
    ],
    ids=["bidding", "weapons", "tobacco", "alcohol-under-18", "cern-logo"],
)
def test_s26_a_sponsor_failing_screening_is_refused(overrides, under_18: bool, rule: str) -> None:
    group = _group_with_event(under_18_audience=under_18)
    refused(
        group,
        group.request_sponsorship,
        sponsorship_command(group, "meetup", **overrides),
        BEFORE,
        rule=rule,
        section="§26",
    )
    assert group.gatherings["meetup"].sponsorships == {}


def test_s26_an_alcohol_sponsor_for_an_adult_event_is_accepted() -> None:
    group = _group_with_event(under_18_audience=False)
    event = accepted(
        group, group.request_sponsorship, sponsorship_command(group, "meetup", sector="alcohol"), BEFORE
    )
    assert event.sector.value == "alcohol"


def test_s26_the_screening_findings_are_recorded_on_request_and_approval() -> None:
    group, requested = _sponsorship_requested()
    assert isinstance(requested, se.SponsorshipRequested)
    assert requested.sponsor == "ACME Instruments"
    assert cites(requested.clause, "§26")
    assert {f.rule for f in requested.screening} == SCREENING_RULES
    assert all(f.passed and cites(f.clause, "§26") for f in requested.screening)
    assert requested.hash_record()["screening"][0].keys() == {"rule", "clause", "passed"}

    approved = accepted(
        group,
        group.approve_sponsorship,
        c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="fine"),
        BEFORE,
    )
    assert isinstance(approved, se.SponsorshipApproved)
    assert approved.screening == requested.screening


# -- Annex 1 listing ------------------------------------------------------------------------


@pytest.mark.parametrize("lead", [30, 21, 7])
def test_annex1_listing_records_the_lead_days(lead: int) -> None:
    group = _group_with_event()
    listed_on = (STARTS - lead * DAY).date()
    event = accepted(
        group,
        group.list_gathering,
        c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=listed_on),
        STARTS - lead * DAY,  # listed on the day it says
    )
    assert isinstance(event, ge.GatheringListed)
    assert event.lead_days == lead and event.listed_on == listed_on
    assert "Annex 1" in event.clause
    gathering = group.gatherings["meetup"]
    assert gathering.status is GatheringStatus.LISTED and gathering.lead_days == lead


def test_annex1_a_listing_dated_in_the_future_is_refused() -> None:
    group = _group_with_event()
    refused(
        group,
        group.list_gathering,
        c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=(T0 + 9 * DAY).date()),
        T0 + 2 * DAY,
        rule="listing-not-backdated",
        section="Annex 1",
    )


def test_annex1_a_listing_dated_before_the_approval_is_refused() -> None:
    group = _group_with_event()
    refused(
        group,
        group.list_gathering,
        c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=(T0 - 30 * DAY).date()),
        T0 + 2 * DAY,
        rule="listing-not-backdated",
        section="Annex 1",
    )
