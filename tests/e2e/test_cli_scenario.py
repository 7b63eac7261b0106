"""A group's whole life through the real ``oar-ledger`` command, on SQLite and PostgreSQL:
every command exits 0 and says what it recorded; ``show`` and ``history`` reflect it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.e2e

G = "cms-alumni"
CRITERION = "was a member of the CMS collaboration"
OAR = ("--actor", "oar-1", "--role", "oar")


def as_manager(person: str) -> tuple[str, ...]:
    return ("--actor", person, "--role", "manager")


def as_member(person: str) -> tuple[str, ...]:
    return ("--actor", person, "--role", "member")


def recorded(done, event_type: str, version: int) -> None:
    assert f"recorded {event_type}.v2 for group {G} (version {version}, ledger position" in done.stdout


def test_full_scenario(cli):
    version = 0

    def step(event_type: str, *args: str) -> None:
        nonlocal version
        version += 1
        recorded(cli.ok(*args), event_type, version)

    step("GroupRequested", "group", "request", G, "--name", "CMS CERN Alumni", "--type", "scientific-collaboration",
         "--managed-by", "alumni", "--visibility", "private", "--objectives", "Connect alumni of the CMS collaboration",
         "--manager", "m-1", "--manager", "m-2", "--criterion", CRITERION, *as_member("m-1"))  # fmt: skip
    step("ManagerAppointed", "manager", "appoint", G, "m-3", *as_manager("m-1"))
    # the root --json flag turns the receipt into JSON
    receipt = cli.json("--json", "group", "approve", G, "--reason", "objectives are clear", *OAR)
    version += 1
    assert receipt["group"] == G and receipt["events"] == ["GroupApproved.v2"] and receipt["versions"] == [version]
    assert len(receipt["positions"]) == 1 and receipt["group_id"]

    step("MembershipRequested", "member", "request", G, *as_member("a-1"))
    step("MembershipApproved", "member", "approve", G, "a-1", "--criterion", CRITERION,
         "--reason", "confirmed in the CMS author list", *as_manager("m-2"))  # fmt: skip

    # A meetup a few seconds ahead (the CLI runs on the real clock), so that its
    # attendance can be recorded at the end of the scenario.
    meetup_starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=10)
    step("GatheringProposed", "event", "propose", G, "quick-meetup", "--title", "Quick meetup",
         "--starts-at", meetup_starts.isoformat(), "--purpose", "community-building",
         "--connection", "CMS alumni meet for coffee", *as_manager("m-1"))  # fmt: skip
    step("GatheringApproved", "event", "approve", G, "quick-meetup", "--reason", "community building", *OAR)
    step("ParticipantRegistered", "attendance", "register", G, "quick-meetup", "a-1", *as_manager("m-1"))

    # A colloquium two months ahead: listing, speaker, sponsorship.
    colloquium = (datetime.now(UTC) + timedelta(days=60)).replace(hour=18, minute=0, second=0, microsecond=0)
    step("GatheringProposed", "event", "propose", G, "colloquium", "--title", "Autumn colloquium",
         "--starts-at", colloquium.isoformat(), "--purpose", "scientific",
         "--connection", "CMS results presented to CMS alumni", "--fee", "10", "--cost", "12.50",
         *as_manager("m-1"))  # fmt: skip
    step("GatheringApproved", "event", "approve", G, "colloquium", "--reason", "relevant, fee at cost", *OAR)
    today = datetime.now(UTC).date()  # after the approval: a listing is never before it
    step("GatheringListed", "event", "list", G, "colloquium", "--listed-on", today.isoformat(), *as_manager("m-1"))
    step("SpeakerProposed", "speaker", "propose", G, "colloquium", "s-9", *as_manager("m-3"))
    step("SpeakerApproved", "speaker", "approve", G, "colloquium", "s-9", "--reason", "known speaker", *OAR)
    step("SponsorshipRequested", "sponsorship", "request", G, "colloquium", "acme-2025", "--sponsor", "Acme Optics SA",
         "--sector", "other", "--not-bidding", "--reason", "covers the room and coffee", *as_manager("m-1"))  # fmt: skip
    step("SponsorshipApproved", "sponsorship", "approve", G, "colloquium", "acme-2025",
         "--reason", "screened, consent given", *OAR)  # fmt: skip

    wait = (meetup_starts - datetime.now(UTC)).total_seconds() + 0.2
    if wait > 0:
        time.sleep(wait)
    step("AttendanceRecorded", "attendance", "record", G, "quick-meetup", "--attended", "a-1",
         "--unregistered", "x-99", *as_manager("m-2"))  # fmt: skip

    view = cli.json("show", G, "--json")
    assert view["group"] == G and view["name"] == "CMS CERN Alumni"
    assert view["status"] == "active" and view["visibility"] == "private"
    assert view["managers"] == ["m-1", "m-2", "m-3"] and view["members"] == ["a-1"]
    assert view["pending_requests"] == {} and view["version"] == version
    events = {e["event"]: e for e in view["events"]}
    assert events["quick-meetup"]["status"] == "held"
    assert events["quick-meetup"]["attendance"] == {"a-1": "attended"}
    assert events["quick-meetup"]["unregistered_attendees"] == ["x-99"]
    assert events["colloquium"]["status"] == "listed" and events["colloquium"]["listed_on"] == today.isoformat()
    assert events["colloquium"]["lead_days"] == (colloquium.date() - today).days
    assert events["colloquium"]["speakers"] == {"s-9": "approved"}
    assert events["colloquium"]["sponsorships"]["acme-2025"]["status"] == "approved"
    # unregistered attendees are a compliance flag (§19, §30)
    assert any("§30" in flag["clause"] for flag in view["compliance_flags"])

    step("TerminationRequested", "group", "request-termination", G, "--reason", "merging into another group",
         *as_manager("m-2"))  # fmt: skip
    step("GroupTerminated", "group", "terminate", G, "--initiative", "managers-request", "--reason", "merge agreed", *OAR)

    assert cli.json("show", G, "--json")["status"] == "terminated"
    history = cli.history(G)
    assert [row["version"] for row in history] == list(range(1, version + 1))
    assert [row["action"] for row in history] == [
        "GroupRequested", "ManagerAppointed", "GroupApproved", "MembershipRequested", "MembershipApproved",
        "GatheringProposed", "GatheringApproved", "ParticipantRegistered", "GatheringProposed",
        "GatheringApproved", "GatheringListed", "SpeakerProposed", "SpeakerApproved",
        "SponsorshipRequested", "SponsorshipApproved", "AttendanceRecorded", "TerminationRequested",
        "GroupTerminated",
    ]  # fmt: skip
    for row in history:
        assert {"time", "actor", "role", "action", "reason", "clause"} <= set(row)
        assert datetime.fromisoformat(row["time"]).tzinfo is not None
        assert row["clause"].startswith("CERN-AG §")
    assert (history[0]["actor"], history[0]["role"]) == ("m-1", "member")
    last = history[-1]
    assert (last["actor"], last["role"], last["reason"], last["clause"]) == (
        "oar-1", "oar", "merge agreed", "CERN-AG §14, §32",
    )  # fmt: skip
    assert history[4]["details"] == {"member_id": "a-1", "criterion": CRITERION}
    # the hash chain is visible to auditors
    for before, after in zip(history, history[1:]):
        assert after["previous_hash"] == before["event_hash"]

    # the human-readable table too
    table = cli.ok("history", G).stdout
    assert "GroupTerminated" in table and "merge agreed" in table
