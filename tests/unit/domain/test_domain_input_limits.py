"""Size limits at the edge (issue 15, reproduction 2): every text and list field has a
maximum, checked before any event is built, and the largest event any command can
produce fits the ledger topic's message size with room to spare."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.events.base import LedgerEvent
from domain.fields import LIST_LIMITS, MAX_EVENT_BYTES, TEXT_LIMITS
from infra.kafka.envelope import encode
from infra.kafka.topics import MAX_MESSAGE_BYTES

pytestmark = pytest.mark.unit

T0 = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
OAR, M1 = Actor(id="oar-1", role="oar"), Actor(id="m-00000001", role="manager")
WIDE = "😀"  # four bytes of UTF-8 per character: the worst case for a message's size


def fill(length: int, head: str = "Alumni meet") -> str:
    """``length`` characters: a readable head, then four-byte characters."""
    return (head + " " + WIDE * length)[:length]


def ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{n:08d}" for n in range(1, count + 1)]


def largest_story() -> list[LedgerEvent]:
    """A group driven through its commands with every field at its maximum."""
    criteria = tuple(fill(TEXT_LIMITS["criterion"].max_chars, f"criterion {n:02d}")
                     for n in range(LIST_LIMITS["membership_criteria"]))  # fmt: skip
    reason = fill(TEXT_LIMITS["reason"].max_chars, "because the alumni asked")
    group = Group.request(c.RequestGroup(
        actor=Actor(id="m-1", role="member"), group="big", name=fill(TEXT_LIMITS["name"].max_chars),
        group_type="other", managed_by="alumni", visibility="private",
        objectives=fill(TEXT_LIMITS["objectives"].max_chars, "Keep the alumni in touch"),
        membership_criteria=criteria, proposed_managers=tuple(ids("m", 3)),
    ), T0)  # fmt: skip
    group.approve(c.ApproveGroup(actor=OAR, group="big", reason=reason), T0)
    group.request_membership(c.RequestMembership(actor=Actor(id="a-1", role="member"), group="big"), T0)
    group.approve_membership(c.ApproveMembership(actor=M1, group="big", member="a-1", criterion=criteria[-1],
                                                 reason=reason), T0)  # fmt: skip
    starts = T0 + timedelta(days=60)
    group.propose_gathering(c.ProposeGathering(
        actor=M1, group="big", gathering="gala", title=fill(TEXT_LIMITS["title"].max_chars), starts_at=starts,
        purpose="community-building", connection=fill(TEXT_LIMITS["connection"].max_chars, "the alumni meet"),
        fee_per_participant="9999999999.99", cost_per_participant="9999999999.99",
    ), T0)  # fmt: skip
    group.approve_gathering(c.ApproveGathering(actor=OAR, group="big", gathering="gala", reason=reason), T0)
    group.request_sponsorship(c.RequestSponsorship(
        actor=M1, group="big", gathering="gala", sponsorship="acme", sponsor=fill(TEXT_LIMITS["sponsor"].max_chars),
        sector="other", bidding_for_cern_contracts=False, offers_cern_name_or_logo=False, reason=reason,
    ), T0)  # fmt: skip
    group.report_social_media(c.ReportSocialMediaSpace(
        actor=OAR, group="big", platform=fill(TEXT_LIMITS["platform"].max_chars), reason=reason), T0)  # fmt: skip
    return [*group.collect_events(), *largest_attendance(starts)]


def largest_attendance(starts: datetime) -> list[LedgerEvent]:
    """A public group whose gathering records the most attendance marks allowed."""
    crowd = Group.request(c.RequestGroup(
        actor=Actor(id="m-1", role="member"), group="crowd", name="Crowd", group_type="other", managed_by="alumni",
        visibility="public", objectives="Keep the alumni in touch", proposed_managers=tuple(ids("m", 2)),
    ), T0)  # fmt: skip
    crowd.approve(c.ApproveGroup(actor=OAR, group="crowd", reason="clear objectives"), T0)
    crowd.propose_gathering(c.ProposeGathering(
        actor=M1, group="crowd", gathering="gala", title="Gala", starts_at=starts, purpose="community-building",
        connection="the alumni meet"), T0)  # fmt: skip
    crowd.approve_gathering(c.ApproveGathering(actor=OAR, group="crowd", gathering="gala", reason="relevant"), T0)
    members = ids("a", LIST_LIMITS["marks"])
    for person in members:
        crowd.join(c.JoinGroup(actor=Actor(id=person, role="member"), group="crowd"), T0)
        crowd.register_participant(c.RegisterParticipant(actor=M1, group="crowd", gathering="gala", member=person), T0)
    crowd.record_attendance(c.RecordAttendance(
        actor=M1, group="crowd", gathering="gala", marks={person: "did-not-attend" for person in members},
        unregistered_attendees=tuple(ids("x", LIST_LIMITS["unregistered_attendees"])),
    ), starts + timedelta(days=1))  # fmt: skip
    return list(crowd.collect_events())[-1:]


def test_the_largest_event_of_every_command_fits_the_topic_with_room_to_spare() -> None:
    sizes: dict[str, int] = {}
    for position, event in enumerate(largest_story(), start=1):
        key, value, headers = encode(event, position)
        size = len(key) + len(value) + sum(len(k) + len(v) for k, v in headers)
        sizes[type(event).__name__] = max(size, sizes.get(type(event).__name__, 0))
    assert {"GroupRequested", "AttendanceRecorded", "GatheringProposed", "SponsorshipRequested",
            "MembershipApproved", "SocialMediaSpaceReported"} <= set(sizes)  # fmt: skip
    assert max(sizes.values()) <= MAX_EVENT_BYTES, sizes
    assert MAX_EVENT_BYTES * 4 <= MAX_MESSAGE_BYTES
    assert sizes["GroupRequested"] > 40_000  # the story really is at the limits (20 x 500 x 4 bytes)


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_one_character_over_a_text_maximum_is_refused_naming_the_field(field: str) -> None:
    limit = TEXT_LIMITS[field].max_chars
    command, location = _command_with(field, "x" * (limit + 1))
    with pytest.raises(ValidationError) as caught:
        command()
    assert {e["loc"][:1] for e in caught.value.errors()} == {location[:1]}
    assert f"at most {limit} characters" in str(caught.value)
    _command_with(field, "x" * limit)[0]()  # exactly at the limit: accepted


def test_the_600_criteria_of_2000_characters_are_refused_in_one_message() -> None:
    with pytest.raises(ValidationError) as caught:
        _request(membership_criteria=("x" * 2000,) * 600)
    assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == [
        (("membership_criteria",), "Value error, at most 20 items, got 600")
    ]


@pytest.mark.parametrize(("field", "items"), [
    ("membership_criteria", tuple(f"criterion {n}" for n in range(21))),
    ("proposed_managers", tuple(ids("m", 4))),
])  # fmt: skip
def test_one_item_over_a_list_maximum_is_refused(field: str, items: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError, match=f"at most {len(items) - 1} items"):
        _request(**{field: items})


def test_attendance_lists_are_bounded_too() -> None:
    too_many = {person: "attended" for person in ids("a", LIST_LIMITS["marks"] + 1)}
    with pytest.raises(ValidationError, match="at most 1000 items"):
        c.RecordAttendance(actor=M1, group="big", gathering="gala", marks=too_many)
    with pytest.raises(ValidationError, match="at most 200 items"):
        c.RecordAttendance(actor=M1, group="big", gathering="gala", marks={"a-1": "attended"},
                           unregistered_attendees=tuple(ids("x", 201)))  # fmt: skip


def _request(**fields: object) -> c.RequestGroup:
    base = dict(actor=Actor(id="m-1", role="member"), group="big", name="Big", group_type="other",
                managed_by="alumni", visibility="private", objectives="Keep the alumni in touch",
                proposed_managers=("m-1", "m-2"))  # fmt: skip
    return c.RequestGroup(**(base | fields))


def _command_with(field: str, text: str):
    """A constructor of a command holding ``text`` in ``field``, and the error location."""
    gathering = dict(actor=M1, group="big", gathering="gala")
    makers = {
        "name": (lambda: _request(name=text), ("name",)),
        "objectives": (lambda: _request(objectives=text), ("objectives",)),
        "criterion": (lambda: _request(membership_criteria=(text,)), ("membership_criteria", 0)),
        "reason": (lambda: c.ApproveGroup(actor=OAR, group="big", reason=text), ("reason",)),
        "title": (lambda: c.ProposeGathering(**gathering, title=text, starts_at=T0, purpose="scientific",
                                             connection="the alumni"), ("title",)),  # fmt: skip
        "connection": (lambda: c.ProposeGathering(**gathering, title="Gala", starts_at=T0, purpose="scientific",
                                                  connection=text), ("connection",)),  # fmt: skip
        "platform": (lambda: c.ReportSocialMediaSpace(actor=OAR, group="big", platform=text, reason="seen"),
                     ("platform",)),  # fmt: skip
        "sponsor": (lambda: c.RequestSponsorship(**gathering, sponsorship="acme", sponsor=text, sector="other",
                                                 bidding_for_cern_contracts=False, offers_cern_name_or_logo=False,
                                                 reason="pays the room"), ("sponsor",)),  # fmt: skip
        "summary": (lambda: c.ShareActivityPlan(actor=M1, group="big", year=2026, summary=text), ("summary",)),
        "description": (lambda: c.ReportAlumniData(actor=OAR, group="big", kind="database", description=text,
                                                   reason="seen"), ("description",)),  # fmt: skip
    }
    return makers[field]
