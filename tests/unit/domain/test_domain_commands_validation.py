"""Command input validation: a malformed command is a pydantic ValidationError naming the
field, raised before any rule runs (so it never reaches the ledger)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.actors import Actor

pytestmark = pytest.mark.unit

OAR = Actor(id="oar-1", role="oar")
M1 = Actor(id="m-1", role="manager")
STARTS = datetime(2025, 6, 1, 18, tzinfo=timezone.utc)


def locations(caught: pytest.ExceptionInfo[ValidationError]) -> set[tuple[Any, ...]]:
    return {tuple(error["loc"]) for error in caught.value.errors()}


def _propose(**fields: Any) -> c.ProposeGathering:
    base: dict[str, Any] = dict(
        actor=M1,
        group="cms",
        gathering="meetup",
        title="Meetup",
        starts_at=STARTS,
        purpose="scientific",
        connection="a tour of the CMS detector",
    )
    return c.ProposeGathering(**(base | fields))


@pytest.mark.parametrize(
    "slug",
    ["CMS", "c", "-cms", "cms_alumni", "cms alumni", "cms!", "", "é-group", "a" * 64],
)
def test_a_malformed_group_slug_is_refused(slug: str) -> None:
    with pytest.raises(ValidationError) as caught:
        c.ApproveGroup(actor=OAR, group=slug, reason="looks good")
    assert locations(caught) == {("group",)}


@pytest.mark.parametrize("slug", ["cms", "c2", "cms-alumni-2025", "a" * 63])
def test_a_well_formed_slug_is_accepted(slug: str) -> None:
    assert c.ApproveGroup(actor=OAR, group=slug, reason="looks good").group == slug


def test_a_malformed_gathering_or_sponsorship_slug_names_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        _propose(gathering="Meet Up")
    assert locations(caught) == {("gathering",)}
    with pytest.raises(ValidationError) as caught:
        c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="ACME!", reason="fine")
    assert locations(caught) == {("sponsorship",)}


@pytest.mark.parametrize("reason", ["", "   ", "ok", " \n\t "])
def test_an_empty_or_too_short_reason_is_refused(reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        c.RejectGroup(actor=OAR, group="cms", reason=reason)
    assert locations(caught) == {("reason",)}


def test_a_missing_reason_is_refused_where_a_decision_is_made() -> None:
    for command_class in (c.ApproveGroup, c.RejectGroup, c.RemoveManager, c.DeactivateGroup):
        with pytest.raises(ValidationError) as caught:
            command_class(actor=OAR, group="cms", manager="m-1", discussed_with_managers=True)
        assert ("reason",) in locations(caught), command_class


def test_a_reason_is_stripped_and_bounded() -> None:
    assert c.RejectGroup(actor=OAR, group="cms", reason="  duplicate  ").reason == "duplicate"
    with pytest.raises(ValidationError) as caught:
        c.RejectGroup(actor=OAR, group="cms", reason="x" * 2001)
    assert locations(caught) == {("reason",)}


@pytest.mark.parametrize("person", ["", "-m1", "m 1", "m/1", "jane@example.org", "é", "x" * 65, "jane.doe", "M.1042",
                                    "oar:officer-1", "m-carla", "m-123456789", "756.1234.5678.97", "bot"])
def test_a_bad_actor_id_is_refused(person: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Actor(id=person, role="member")
    assert locations(caught) == {("id",)}
    with pytest.raises(ValidationError) as caught:
        c.JoinGroup(actor={"id": person, "role": "member"}, group="cms")
    assert locations(caught) == {("actor", "id")}


@pytest.mark.parametrize("person", ["m-1", "m-1042", "oar-1", "m-12345678", "a-3f2b9c1e-0d4a-4b7e-9c3f-2a1b0c9d8e7f"])
def test_a_good_actor_id_is_accepted(person: str) -> None:
    assert Actor(id=person, role="member").id == person


def test_a_bad_person_id_in_a_command_field_names_that_field() -> None:
    with pytest.raises(ValidationError) as caught:
        c.AppointManager(actor=OAR, group="cms", manager="bad id")
    assert locations(caught) == {("manager",)}
    with pytest.raises(ValidationError) as caught:
        c.RecordAttendance(actor=M1, group="cms", gathering="meetup", marks={"bad id": "attended"})
    assert locations(caught) == {("marks", "bad id", "[key]")}


@pytest.mark.parametrize("field", ["fee_per_participant", "cost_per_participant"])
def test_a_fee_with_three_decimals_is_refused(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _propose(**{field: Decimal("10.125")})
    assert locations(caught) == {(field,)}


def test_a_negative_fee_is_refused_and_two_decimals_are_accepted() -> None:
    with pytest.raises(ValidationError) as caught:
        _propose(fee_per_participant=Decimal("-1"))
    assert locations(caught) == {("fee_per_participant",)}
    command = _propose(fee_per_participant=Decimal("10.12"), cost_per_participant="10.12")
    assert command.cost_per_participant == Decimal("10.12")


@pytest.mark.parametrize("role", ["admin", "OAR", "", "auditor"])
def test_an_unknown_role_is_refused(role: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Actor(id="m-1", role=role)
    assert locations(caught) == {("role",)}


def test_an_unknown_enum_value_names_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        _propose(purpose="political")
    assert locations(caught) == {("purpose",)}
    with pytest.raises(ValidationError) as caught:
        c.TerminateGroup(actor=OAR, group="cms", initiative="members", reason="closing")
    assert locations(caught) == {("initiative",)}
    with pytest.raises(ValidationError) as caught:
        c.RecordAttendance(actor=M1, group="cms", gathering="meetup", marks={"a-1": "maybe"})
    assert locations(caught) == {("marks", "a-1")}


def test_a_naive_event_time_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        _propose(starts_at=datetime(2025, 6, 1, 18))
    assert locations(caught) == {("starts_at",)}


def test_unknown_fields_are_refused_and_commands_are_frozen() -> None:
    with pytest.raises(ValidationError) as caught:
        c.JoinGroup(actor=OAR, group="cms", member="a-1")
    assert locations(caught) == {("member",)}
    command = c.JoinGroup(actor=OAR, group="cms")
    with pytest.raises(ValidationError):
        command.group = "atlas"  # type: ignore[misc]


def test_a_group_request_needs_one_to_three_proposed_managers() -> None:
    base: dict[str, Any] = dict(
        actor=Actor(id="m-1", role="member"),
        group="cms",
        name="CMS",
        group_type="scientific-collaboration",
        managed_by="alumni",
        visibility="public",
        objectives="Keep CMS alumni in touch",
    )
    for managers in ((), ("m-1", "m-2", "m-3", "m-4")):
        with pytest.raises(ValidationError) as caught:
            c.RequestGroup(**base, proposed_managers=managers)
        assert locations(caught) == {("proposed_managers",)}
    with pytest.raises(ValidationError) as caught:
        c.RequestGroup(**(base | {"group_type": "club"}), proposed_managers=("m-1",))
    assert locations(caught) == {("group_type",)}


def test_attendance_needs_at_least_one_mark() -> None:
    with pytest.raises(ValidationError) as caught:
        c.RecordAttendance(actor=M1, group="cms", gathering="meetup", marks={})
    assert locations(caught) == {("marks",)}
