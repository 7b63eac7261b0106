"""``projections.fold.fold``: every ledger event type -> its audit row and read-model changes.

The events are real: a ``Group`` is driven through commands at explicit times (no clock,
no I/O) and its pending events are folded. Every type of the event catalogue is covered.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.events import gathering as ge
from domain.events import group as gr
from domain.events import sponsorship as sp
from domain.events.base import LedgerEvent, payload_of
from domain.events.catalog import event_types
from projections.changes import Delete, Increment, Insert, Update, Upsert
from projections.fold import fold

pytestmark = pytest.mark.unit

T0 = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)
CET = timezone(timedelta(hours=1))
MEETUP_STARTS = datetime(2025, 3, 11, 18, 30, tzinfo=CET)  # not UTC on purpose: 17:30 UTC
OAR = Actor(id="oar-1", role="oar")
M1, M2 = Actor(id="m-1", role="manager"), Actor(id="m-2", role="manager")
CRITERION = "worked on the CMS experiment"


def person(pid: str) -> Actor:
    return Actor(id=pid, role="member")


class Story:
    """Drives groups through commands, each step one minute later unless given a time."""

    def __init__(self) -> None:
        self.now = T0
        self.events: list[LedgerEvent] = []

    def at(self, moment: datetime | None = None) -> datetime:
        self.now = moment or self.now + MINUTE
        return self.now

    def collect(self, *groups: Group) -> None:
        for group in groups:
            self.events += group.collect_events()


def build_story() -> list[LedgerEvent]:
    s = Story()
    cms = Group.request(c.RequestGroup(
        actor=person("m-1"), group="cms", name="CMS alumni", group_type="scientific-collaboration",
        managed_by="alumni", visibility="private", objectives="Keep CMS alumni in touch",
        membership_criteria=(CRITERION,), proposed_managers=("m-1", "m-2"),
    ), s.at(T0))  # fmt: skip
    cms.approve(c.ApproveGroup(actor=OAR, group="cms", reason="objectives are clear"), s.at())
    cms.appoint_manager(c.AppointManager(actor=M1, group="cms", manager="m-3"), s.at())
    cms.remove_manager(c.RemoveManager(actor=OAR, group="cms", manager="m-3", reason="left CERN"), s.at())
    for pid in ("a-1", "a-2", "a-3", "a-4"):
        cms.request_membership(c.RequestMembership(actor=person(pid), group="cms"), s.at())
    for pid in ("a-1", "a-2", "a-4"):
        cms.approve_membership(c.ApproveMembership(actor=M2, group="cms", member=pid, criterion=CRITERION,
                                                   reason="in the CMS records"), s.at())  # fmt: skip
    cms.reject_membership(c.RejectMembership(actor=M1, group="cms", member="a-3", criterion=CRITERION,
                                             reason="not in the CMS records"), s.at())  # fmt: skip
    cms.leave(c.LeaveGroup(actor=person("a-2"), group="cms"), s.at())
    for pid, review in (("a-5", cms.uphold_rejection), ("a-6", cms.overturn_rejection)):  # §9 held, then reviewed
        cms.request_membership(c.RequestMembership(actor=person(pid), group="cms"), s.at())
        cms.reject_membership(c.RejectMembership(actor=M1, group="cms", member=pid, criterion=CRITERION,
                                                 reason="the applicant is Italian"), s.at())  # fmt: skip
        decision = c.UpholdRejection if pid == "a-5" else c.OverturnRejection
        review(decision(actor=OAR, group="cms", member=pid, reason="OAR review of the held rejection"), s.at())
    cms.report_social_media(c.ReportSocialMediaSpace(actor=OAR, group="cms", platform="LinkedIn",
                                                     reason="a LinkedIn group uses the name"), s.at())  # fmt: skip
    cms.propose_gathering(c.ProposeGathering(
        actor=M1, group="cms", gathering="meetup", title="Spring meetup", starts_at=MEETUP_STARTS,
        purpose="community-building", connection="CMS alumni meet at Point 5",
        fee_per_participant="12.50", cost_per_participant="15", under_18_audience=False,
    ), s.at())  # fmt: skip
    cms.approve_gathering(c.ApproveGathering(actor=OAR, group="cms", gathering="meetup", reason="relevant"), s.at())
    cms.propose_gathering(c.ProposeGathering(
        actor=M1, group="cms", gathering="fundraiser", title="Fundraiser", starts_at=T0 + 90 * DAY,
        purpose="community-building", connection="CMS alumni raise money together",
    ), s.at())  # fmt: skip
    cms.reject_gathering(c.RejectGathering(actor=OAR, group="cms", gathering="fundraiser", reason="not relevant"), s.at())
    listed = s.at(T0 + 5 * DAY)
    cms.list_gathering(c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=listed.date()), listed)
    for speaker in ("s-1", "s-2"):
        cms.propose_speaker(c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker=speaker), s.at())
    cms.approve_speaker(c.ApproveSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-1",
                                         reason="fits the meetup"), s.at())  # fmt: skip
    cms.reject_speaker(c.RejectSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-2",
                                       reason="off topic"), s.at())  # fmt: skip
    for pid in ("a-1", "a-4"):
        cms.register_participant(c.RegisterParticipant(actor=M1, group="cms", gathering="meetup", member=pid), s.at())
    for ref, sponsor in (("acme", "ACME Optics"), ("cloudco", "CloudCo")):
        cms.request_sponsorship(c.RequestSponsorship(
            actor=M1, group="cms", gathering="meetup", sponsorship=ref, sponsor=sponsor, sector="other",
            bidding_for_cern_contracts=False, offers_cern_name_or_logo=False, reason="covers the coffee",
        ), s.at())  # fmt: skip
    cms.approve_sponsorship(c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme",
                                                 reason="screening passed"), s.at())  # fmt: skip
    cms.reject_sponsorship(c.RejectSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="cloudco",
                                               reason="too late to review"), s.at())  # fmt: skip
    cms.record_attendance(c.RecordAttendance(
        actor=M2, group="cms", gathering="meetup", marks={"a-4": "did-not-attend", "a-1": "attended"},
        unregistered_attendees=("x-9", "x-1"),
    ), s.at(MEETUP_STARTS + DAY))  # fmt: skip
    cms.request_termination(c.RequestTermination(actor=M1, group="cms", reason="moving on"), s.at())
    cms.deactivate(c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, ground="other",
                                     other_clause="§12", reason="off the programme's objectives"),
                   s.at(MEETUP_STARTS + 40 * DAY))  # fmt: skip
    cms.reactivate(c.ReactivateGroup(actor=OAR, group="cms", reason="new plans"), s.at())
    cms.terminate(c.TerminateGroup(actor=OAR, group="cms", initiative="managers-request",
                                   reason="at the managers' request"), s.at())  # fmt: skip

    bay = Group.request(c.RequestGroup(
        actor=person("m-5"), group="bay-area", name="Bay Area alumni", group_type="regional",
        managed_by="alumni", visibility="public", objectives="Alumni around the Bay meet",
        proposed_managers=("m-5", "m-6"),
    ), s.at())  # fmt: skip
    bay.approve(c.ApproveGroup(actor=OAR, group="bay-area", reason="regional need"), s.at())
    bay.join(c.JoinGroup(actor=person("a-7"), group="bay-area"), s.at())

    nope = Group.request(c.RequestGroup(
        actor=person("m-8"), group="nope", name="Nope", group_type="other", managed_by="alumni",
        visibility="public", objectives="Something the OAR will refuse", proposed_managers=("m-8", "m-9"),
    ), s.at())  # fmt: skip
    nope.reject(c.RejectGroup(actor=OAR, group="nope", reason="objectives conflict with §12"), s.at())
    lse = Group.request(c.RequestGroup(
        actor=person("m-7"), group="lse-nyc", name="LSE New York", group_type="regional", managed_by="alumni",
        visibility="public", objectives="LSE alumni in New York meet", proposed_managers=("m-7",), policy_pack="lse",
    ), s.at())  # fmt: skip
    lse.approve(c.ApproveGroup(actor=OAR, group="lse-nyc", reason="welcome"), s.at())
    lse.share_activity_plan(c.ShareActivityPlan(actor=Actor(id="m-7", role="manager"), group="lse-nyc",
                                                year=s.now.year, summary="four talks and a dinner"), s.at())  # fmt: skip
    lse.report_alumni_data(c.ReportAlumniData(actor=OAR, group="lse-nyc", kind="mailing-list",
                                              description="a list of members run by the committee",
                                              reason="seen in an invitation"), s.at())  # fmt: skip
    s.collect(cms, bay, nope, lse)
    return s.events


EVENTS = build_story()
POSITION = {id(e): 100 + i for i, e in enumerate(EVENTS)}  # ledger positions with a gap below
ACTIVITY = {gr.GroupRequested, gr.GroupApproved, gr.GroupRejected, gr.GroupTerminated, gr.GroupDeactivated,
            gr.GroupReactivated, gr.MemberJoined, gr.MembershipApproved, ge.GatheringProposed,
            ge.AttendanceRecorded}  # fmt: skip
STATUS = {gr.GroupApproved: "active", gr.GroupRejected: "rejected", gr.GroupTerminated: "terminated",
          gr.GroupDeactivated: "deactivated", gr.GroupReactivated: "active"}  # fmt: skip


def first(event_type: type, **fields: Any) -> LedgerEvent:
    return next(e for e in EVENTS if type(e) is event_type and all(getattr(e, k) == v for k, v in fields.items()))


def folded(event: LedgerEvent) -> list[Any]:
    return fold(event, POSITION[id(event)])


def gid(event: LedgerEvent) -> str:
    return str(event.originator_id)


def specific(event: LedgerEvent) -> list[Any]:
    """The changes between the audit row and the group's progress update."""
    return folded(event)[1:-1]


def test_the_story_covers_every_event_type() -> None:
    assert {type(e) for e in EVENTS} == set(event_types().values())


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.originator_version}-{type(e).__name__}")
def test_every_event_adds_its_audit_row_first(event: LedgerEvent) -> None:
    changes = folded(event)
    assert changes[0] == Insert("audit_trail", {
        "position": POSITION[id(event)], "event_id": str(event.event_id), "group_id": gid(event),
        "version": event.originator_version, "time": event.timestamp, "actor_id": event.actor_id,
        "actor_role": event.actor_role.value, "actor_auth_method": "local-cli", "actor_auth_issuer": None,
        "action": type(event).__name__, "reason": event.reason, "clause": event.clause, "policy_pack": event.policy_pack,
        "policy_version": "1", "event_hash": event.event_hash, "details": payload_of(event),
    })  # fmt: skip
    assert [ch for ch in changes if isinstance(ch, Insert) and ch.table == "audit_trail"] == [changes[0]]
    assert changes[0].values["clause"].startswith(("CERN-AG §", "LSE-AG '"))
    assert changes[0].values["time"].utcoffset() == timedelta(0)


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.originator_version}-{type(e).__name__}")
def test_every_event_ends_by_moving_its_group(event: LedgerEvent) -> None:
    expected: dict[str, Any] = {"version": event.originator_version, "last_position": POSITION[id(event)],
                                "last_hash": event.event_hash}  # fmt: skip
    if type(event) in ACTIVITY:
        expected["last_activity"] = event.timestamp
    if type(event) in STATUS:
        expected["status"] = STATUS[type(event)]
    if isinstance(event, gr.TerminationRequested):
        expected["termination_requested"] = True
    assert folded(event)[-1] == Update("groups", {"group_id": gid(event)}, expected)


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{e.originator_version}-{type(e).__name__}")
def test_fold_is_pure(event: LedgerEvent) -> None:
    before = copy.deepcopy(event.model_dump())
    assert folded(event) == folded(event)
    assert event.model_dump() == before
    # the position is the only input beside the event
    moved = fold(event, 7)
    assert moved[0].values["position"] == 7 and moved[-1].values["last_position"] == 7


def test_group_requested_creates_the_group_and_its_proposed_managers() -> None:
    e = first(gr.GroupRequested, slug="cms")
    upsert, *managers = specific(e)
    assert upsert == Upsert("groups", {"group_id": gid(e)}, {
        "slug": "cms", "name": "CMS alumni", "status": "requested", "group_type": "scientific-collaboration",
        "managed_by": "alumni", "visibility": "private", "policy_pack": "cern",
        "objectives": "Keep CMS alumni in touch", "membership_criteria": [CRITERION],
        "termination_requested": False, "member_count": 0, "requested_at": T0, "last_activity": T0,
        "version": 1, "last_position": 0, "last_hash": e.event_hash,
    })  # fmt: skip
    assert managers == [Upsert("managers", {"group_id": gid(e), "manager_id": m}, {"since": T0}) for m in ("m-1", "m-2")]
    # the final update gives the group its real position (the Upsert only creates the row)
    assert folded(e)[-1].values["last_position"] == POSITION[id(e)]


@pytest.mark.parametrize("event_type", [gr.GroupApproved, gr.GroupRejected, gr.TerminationRequested,
                                        gr.GroupTerminated, gr.GroupDeactivated, gr.GroupReactivated])  # fmt: skip
def test_lifecycle_events_only_change_the_group_row(event_type: type) -> None:
    assert specific(first(event_type)) == []


def test_manager_appointed_upserts_and_removed_deletes() -> None:
    appointed, removed = first(gr.ManagerAppointed), first(gr.ManagerRemoved)
    key = {"group_id": gid(appointed), "manager_id": "m-3"}
    assert specific(appointed) == [Upsert("managers", key, {"since": appointed.timestamp})]
    assert specific(removed) == [Delete("managers", key)]


def test_member_joined_is_a_membership_and_one_more_member() -> None:
    e = first(gr.MemberJoined)
    assert specific(e) == [
        Upsert("memberships", {"group_id": gid(e), "member_id": "a-7"}, {"status": "member", "since": e.timestamp}),
        Increment("groups", {"group_id": gid(e)}, "member_count", 1),
    ]


def test_membership_requested_is_pending_without_counting() -> None:
    e = first(gr.MembershipRequested, member_id="a-3")
    assert specific(e) == [Upsert("memberships", {"group_id": gid(e), "member_id": "a-3"},
                                  {"status": "pending", "since": e.timestamp, "requested_at": e.timestamp})]  # fmt: skip


def test_membership_decisions_record_the_decider_and_criterion() -> None:
    approved, rejected = first(gr.MembershipApproved, member_id="a-1"), first(gr.MembershipRejected)
    assert specific(approved) == [
        Upsert("memberships", {"group_id": gid(approved), "member_id": "a-1"},
               {"status": "member", "since": approved.timestamp, "decided_by": "m-2", "criterion": CRITERION}),
        Increment("groups", {"group_id": gid(approved)}, "member_count", 1),
    ]  # fmt: skip
    # the request time is kept: a decision does not overwrite ``requested_at``
    assert "requested_at" not in specific(approved)[0].values
    assert specific(rejected) == [
        Upsert("memberships", {"group_id": gid(rejected), "member_id": "a-3"},
               {"status": "rejected", "since": rejected.timestamp, "decided_by": "m-1", "criterion": CRITERION}),
    ]  # fmt: skip


def test_member_left_is_one_member_less() -> None:
    e = first(gr.MemberLeft)
    assert specific(e) == [
        Upsert("memberships", {"group_id": gid(e), "member_id": "a-2"}, {"status": "left", "since": e.timestamp}),
        Increment("groups", {"group_id": gid(e)}, "member_count", -1),
    ]


def test_social_media_report_is_kept_by_position() -> None:
    e = first(gr.SocialMediaSpaceReported)
    assert specific(e) == [Insert("social_media_reports", {
        "position": POSITION[id(e)], "group_id": gid(e), "platform": "LinkedIn", "reported_at": e.timestamp})]


def test_gathering_proposed_creates_the_gathering_in_utc() -> None:
    e = first(ge.GatheringProposed, gathering="meetup")
    assert specific(e) == [Upsert("gatherings", {"group_id": gid(e), "gathering": "meetup"}, {
        "title": "Spring meetup", "starts_at": MEETUP_STARTS, "purpose": "community-building",
        "status": "proposed", "fee_per_participant": "12.50", "cost_per_participant": "15",
        "under_18_audience": False, "proposed_at": e.timestamp, "unregistered_attendees": [],
    })]  # fmt: skip
    # stored in UTC: SQLite keeps no offset, so a local time would be read back wrong
    assert specific(e)[0].values["starts_at"].utcoffset() == timedelta(0)


@pytest.mark.parametrize(("event_type", "status", "gathering"), [
    (ge.GatheringApproved, "approved", "meetup"), (ge.GatheringRejected, "rejected", "fundraiser")])  # fmt: skip
def test_gathering_decisions(event_type: type, status: str, gathering: str) -> None:
    e = first(event_type)
    assert specific(e) == [Update("gatherings", {"group_id": gid(e), "gathering": gathering},
                                  {"status": status, "decided_by": "oar-1"})]  # fmt: skip


def test_gathering_listed_records_date_and_lead() -> None:
    e = first(ge.GatheringListed)
    lead = (MEETUP_STARTS.date() - date(2025, 1, 15)).days
    assert specific(e) == [Update("gatherings", {"group_id": gid(e), "gathering": "meetup"},
                                  {"status": "listed", "listed_on": date(2025, 1, 15), "lead_days": lead})]  # fmt: skip


@pytest.mark.parametrize(("event_type", "speaker", "status", "decided_by"), [
    (ge.SpeakerProposed, "s-1", "proposed", None),
    (ge.SpeakerApproved, "s-1", "approved", "oar-1"),
    (ge.SpeakerRejected, "s-2", "rejected", "oar-1"),
])  # fmt: skip
def test_speaker_events(event_type: type, speaker: str, status: str, decided_by: str | None) -> None:
    e = first(event_type, speaker_id=speaker)
    assert specific(e) == [Upsert("speakers", {"group_id": gid(e), "gathering": "meetup", "speaker_id": speaker},
                                  {"status": status, "decided_by": decided_by})]  # fmt: skip


def test_participant_registered_awaits_attendance() -> None:
    e = first(ge.ParticipantRegistered, member_id="a-4")
    assert specific(e) == [Upsert("participants", {"group_id": gid(e), "gathering": "meetup", "member_id": "a-4"},
                                  {"attendance": None})]  # fmt: skip


def test_attendance_marks_participants_holds_the_gathering_and_lists_unregistered() -> None:
    e = first(ge.AttendanceRecorded)
    key = {"group_id": gid(e), "gathering": "meetup"}
    assert specific(e) == [
        Update("participants", key | {"member_id": "a-1"}, {"attendance": "attended"}),
        Update("participants", key | {"member_id": "a-4"}, {"attendance": "did-not-attend"}),
        Update("gatherings", key, {"status": "held", "unregistered_attendees": ["x-1", "x-9"]}),
    ]


def test_sponsorship_requested_records_sponsor_sector_and_screening() -> None:
    e = first(sp.SponsorshipRequested, sponsorship="acme")
    (upsert,) = specific(e)
    screening = [f.model_dump() for f in e.screening]
    assert upsert == Upsert("sponsorships", {"group_id": gid(e), "gathering": "meetup", "sponsorship": "acme"}, {
        "status": "requested", "screening": screening, "clause": e.clause, "updated_at": e.timestamp,
        "sponsor": "ACME Optics", "sector": "other",
    })  # fmt: skip
    assert {f["rule"] for f in screening} == {"sponsor-not-bidding", "no-weapons-or-tobacco-sponsor",
                                              "no-alcohol-sponsor-for-under-18s", "no-cern-name-or-logo-offered"}  # fmt: skip
    assert all(set(f) == {"rule", "clause", "passed"} for f in screening)


@pytest.mark.parametrize(("event_type", "ref", "status"), [
    (sp.SponsorshipApproved, "acme", "approved"), (sp.SponsorshipRejected, "cloudco", "rejected")])  # fmt: skip
def test_sponsorship_decisions_update_with_the_screening_at_decision_time(event_type: type, ref: str, status: str) -> None:
    e = first(event_type)
    assert specific(e) == [Update("sponsorships", {"group_id": gid(e), "gathering": "meetup", "sponsorship": ref}, {
        "status": status, "screening": [f.model_dump() for f in e.screening], "clause": e.clause,
        "updated_at": e.timestamp, "decided_by": "oar-1",
    })]  # fmt: skip
    assert e.clause.startswith("CERN-AG §25")


def test_only_known_tables_and_columns_are_touched() -> None:
    from projections.tables import read_models

    for event in EVENTS:
        for change in folded(event):
            table = read_models.tables[change.table]
            columns = set(getattr(change, "values", {})) | set(getattr(change, "key", {}))
            if isinstance(change, Increment):
                columns.add(change.column)
            assert columns <= set(table.c.keys()), (type(event).__name__, change)


def test_a_group_id_given_by_the_caller_folds_to_the_same_changes():
    for position, event in enumerate(EVENTS, start=1):
        assert fold(event, position, str(event.originator_id)) == fold(event, position)
