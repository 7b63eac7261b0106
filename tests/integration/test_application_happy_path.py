"""A group's whole life through LedgerApplication, on SQLite and PostgreSQL, and the
hash chain as it comes back from the store."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from test_application_support import (
    CRITERION,
    OAR,
    active_group,
    manager,
    member,
    position,
    request_group,
)

from domain import commands as c
from domain.canonical import GENESIS_HASH, record_hash
from domain.ids import group_id
from domain.values import Attendance, GatheringStatus, GroupStatus
from bootstrap import build_ledger
from infra.store.mapper import decode_state

pytestmark = pytest.mark.integration

SLUG, PUBLIC = "cms-alumni", "higgs-hunters"
EVENT, SPONSORSHIP = "spring-colloquium", "acme-2025"
STARTS = datetime(2025, 3, 20, 18, 0, tzinfo=UTC)


def assert_chain(events) -> None:
    """previous_hash links each event to the one before; each stored hash recomputes."""
    assert events, "no events"
    assert events[0].previous_hash == GENESIS_HASH
    for before, after in zip(events, events[1:]):
        assert after.previous_hash == before.event_hash
    for number, event in enumerate(events, start=1):
        assert event.originator_version == number
        assert record_hash(event.hash_record()) == event.event_hash


def test_a_group_lifecycle_is_recorded_and_reflected(ledger, settings, clock):
    app = ledger.app
    receipts = []
    step = receipts.append

    # §15, §16 request; §7 a third manager; §11 OAR approval
    first = request_group(app, SLUG, managers=("m-1", "m-2"))
    assert first.group == SLUG and first.group_id == group_id(SLUG)
    assert first.events == ("GroupRequested.v1",) and first.versions == (1,)
    step(first)
    clock.advance(hours=1)
    step(app.execute(c.AppointManager(actor=manager("m-1"), group=SLUG, manager="m-3")))
    step(app.execute(c.ApproveGroup(actor=OAR, group=SLUG, reason="objectives are clear")))
    assert app.group(SLUG).status is GroupStatus.ACTIVE

    # §8 a public group: joined at once; §7 the same member in several groups
    active_group(app, PUBLIC, visibility="public", managers=("m-7", "m-8"))
    clock.advance(days=1)
    step(app.execute(c.JoinGroup(actor=member("a-1"), group=PUBLIC)))
    assert app.group(PUBLIC).members == {"a-1"}

    # §9 a private group: the request waits, a manager decides citing the criterion
    step(app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG)))
    assert set(app.group(SLUG).pending_requests) == {"a-1"}
    assert app.group(SLUG).members == set()
    step(
        app.execute(
            c.ApproveMembership(
                actor=manager("m-2"), group=SLUG, member="a-1", criterion=CRITERION,
                reason="confirmed in the CMS author list",
            )
        )
    )  # fmt: skip

    # §20, §21, §24 an event; Annex 1 listed four weeks ahead; §22 a speaker
    clock.advance(days=7)
    step(
        app.execute(
            c.ProposeGathering(
                actor=manager("m-1"), group=SLUG, gathering=EVENT, title="Spring colloquium",
                starts_at=STARTS, purpose="scientific",
                connection="talks by former members of the collaboration",
                fee_per_participant="10.00", cost_per_participant="12.50",
            )
        )
    )  # fmt: skip
    step(app.execute(c.ApproveGathering(actor=OAR, group=SLUG, gathering=EVENT, reason="relevant, at cost")))
    clock.set(datetime(2025, 2, 20, 9, 0, tzinfo=UTC))  # listed when it happens, not backdated
    step(app.execute(c.ListGathering(actor=manager("m-1"), group=SLUG, gathering=EVENT, listed_on=date(2025, 2, 20))))
    step(app.execute(c.ProposeSpeaker(actor=manager("m-3"), group=SLUG, gathering=EVENT, speaker="s-9")))
    step(app.execute(c.ApproveSpeaker(actor=OAR, group=SLUG, gathering=EVENT, speaker="s-9", reason="known speaker")))

    # §19 participants are members
    step(app.execute(c.RegisterParticipant(actor=manager("m-1"), group=SLUG, gathering=EVENT, member="a-1")))

    # §25 prior consent, §26 screening
    step(
        app.execute(
            c.RequestSponsorship(
                actor=manager("m-1"), group=SLUG, gathering=EVENT, sponsorship=SPONSORSHIP,
                sponsor="Acme Optics SA", sector="other", bidding_for_cern_contracts=False,
                offers_cern_name_or_logo=False, reason="covers the room and coffee",
            )
        )
    )  # fmt: skip
    step(app.execute(c.ApproveSponsorship(actor=OAR, group=SLUG, gathering=EVENT, sponsorship=SPONSORSHIP, reason="screened, consent given")))

    # §30, Annex 1 attendance after the event
    clock.set(STARTS)
    clock.advance(days=1)
    step(
        app.execute(
            c.RecordAttendance(
                actor=manager("m-2"), group=SLUG, gathering=EVENT,
                marks={"a-1": Attendance.ATTENDED}, unregistered_attendees=("x-99",),
            )
        )
    )  # fmt: skip

    group = app.group(SLUG)
    gathering = group.gatherings[EVENT]
    assert group.status is GroupStatus.ACTIVE
    assert group.managers == {"m-1", "m-2", "m-3"}
    assert group.members == {"a-1"} and group.pending_requests == {}
    assert gathering.status is GatheringStatus.HELD
    assert gathering.listed_on == date(2025, 2, 20) and gathering.lead_days == 28
    assert gathering.speakers == {"s-9": "approved"}
    assert gathering.participants == {"a-1"}
    assert gathering.attendance == {"a-1": Attendance.ATTENDED}
    assert gathering.unregistered_attendees == ("x-99",)
    assert gathering.sponsorships[SPONSORSHIP].status == "approved"

    # §32 managers ask, §14 the OAR terminates
    clock.advance(days=30)
    step(app.execute(c.RequestTermination(actor=manager("m-2"), group=SLUG, reason="the group merges into another")))
    step(app.execute(c.TerminateGroup(actor=OAR, group=SLUG, initiative="managers-request", reason="merge agreed")))
    group = app.group(SLUG)
    assert group.status is GroupStatus.TERMINATED and group.termination_requested

    # Receipts: one event each, versions in order, global positions increasing.
    own = [r for r in receipts if r.group == SLUG]
    assert [v for r in own for v in r.versions] == list(range(1, len(own) + 1))
    positions = [p for r in receipts for p in r.positions]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert position(ledger) == positions[-1]

    events = app.group_events(SLUG)
    assert [type(e).type_name() for e in events] == [e for r in own for e in r.events]
    assert [type(e).__name__ for e in events] == [
        "GroupRequested", "ManagerAppointed", "GroupApproved", "MembershipRequested",
        "MembershipApproved", "GatheringProposed", "GatheringApproved", "GatheringListed",
        "SpeakerProposed", "SpeakerApproved", "ParticipantRegistered", "SponsorshipRequested",
        "SponsorshipApproved", "AttendanceRecorded", "TerminationRequested", "GroupTerminated",
    ]  # fmt: skip
    # Every event says who, in which role, when and under which clause.
    assert all(e.actor_id and e.actor_role and e.clause.startswith("CERN-AG §") for e in events)
    assert events[0].actor_id == "m-1" and events[-1].actor_id == "oar-1"
    assert events[-1].reason == "merge agreed" and events[-1].clause == "CERN-AG §14, §32"
    assert events[-1].timestamp == clock()
    screening = events[-5].screening
    assert {f.rule for f in screening} >= {"no-weapons-or-tobacco-sponsor", "sponsor-not-bidding"}
    assert all(f.passed for f in screening)
    assert_chain(events)
    assert group.last_hash == events[-1].event_hash

    # A second application on the same database reads the same facts.
    other = build_ledger(settings, clock)
    try:
        again = other.app.group(SLUG)
        assert again.version == group.version == len(events)
        assert again.status is GroupStatus.TERMINATED
        assert again.members == group.members and again.managers == group.managers
        assert again.gatherings[EVENT].attendance == gathering.attendance
        assert [s for s in other.app.group_slugs()] == [SLUG, PUBLIC]
    finally:
        other.close()


def test_hash_chain_links_across_reloads_and_applications(ledger, settings, clock):
    """Events written by two applications, each reloading from the store, form one chain;
    the stored hash is the one written (not recomputed on load) and still verifies."""
    active_group(ledger.app, SLUG)
    other = build_ledger(settings, clock)
    try:
        for number, person in enumerate(("a-1", "a-2", "a-3", "a-4")):
            app = (ledger.app, other.app)[number % 2]
            clock.advance(minutes=5)
            app.execute(c.RequestMembership(actor=member(person), group=SLUG))
        other.app.execute(c.AppointManager(actor=OAR, group=SLUG, manager="m-3", reason="more help"))

        for reader in (ledger, other):
            events = reader.app.group_events(SLUG)
            assert len(events) == 7
            assert_chain(events)
            assert reader.app.group(SLUG).last_hash == events[-1].event_hash

        stored = list(ledger.app.recorder.select_events(group_id(SLUG)))
        events = other.app.group_events(SLUG)
        assert [decode_state(s)["event_hash"] for s in stored] == [e.event_hash for e in events]
        assert [decode_state(s)["previous_hash"] for s in stored] == [e.previous_hash for e in events]
    finally:
        other.close()
