"""Tamper evidence at the domain level: canonical bytes, event hashes, the per-group chain,
and replay of a group from its events."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
from test_domain_support import (
    DAY,
    M1,
    M2,
    OAR,
    T0,
    active_group,
    gathering_in,
    join_members,
    member,
    request_group,
    sponsorship_command,
)

from domain import commands as c
from domain.aggregates.group import Group
from domain.canonical import GENESIS_HASH, canonical_bytes, record_hash
from domain.events import group as e
from domain.events.base import LedgerEvent
from domain.events.catalog import decode_event
from domain.ids import group_id
from domain.values import AuthMethod, Role

pytestmark = pytest.mark.unit

FIXED_ID = UUID("00000000-0000-0000-0000-000000000001")
FIXED_AT = datetime(2025, 1, 10, 9, 0, tzinfo=timezone.utc)

# Computed once from the fixed event below; any change to the canonical form, the
# hash record or the field set of GroupApproved changes it (and every stored hash).
FIXED_TEXT = (
    '{"actor_auth_issuer":"https://auth.cern.ch/auth/realms/cern","actor_auth_method":"oidc",'
    '"actor_id":"oar-1","actor_role":"oar","clause":"CERN-AG §7, §11, §16",'
    '"originator_id":"00000000-0000-0000-0000-000000000001","originator_version":2,'
    '"policy_pack":"cern","policy_version":"1",'
    '"previous_hash":"' + "a" * 64 + '","reason":"objectives are clear",'
    '"timestamp":"2025-01-10T09:00:00Z","type":"GroupApproved.v2"}'
)
FIXED_HASH = "1f2132bfe568a33ab22341cb07c1686e9b9f70b1085404e287de04e1fbeeaa11"
# The same approval as recorded by the previous release (schema v1): its hash, fixed then,
# must still come out of the event once it is read and upcast to v2.
FIXED_V1_TEXT = (
    '{"actor_id":"oar-1","actor_role":"oar","clause":"CERN-AG §7, §11, §16",'
    '"originator_id":"00000000-0000-0000-0000-000000000001","originator_version":2,'
    '"previous_hash":"' + "a" * 64 + '","reason":"objectives are clear",'
    '"timestamp":"2025-01-10T09:00:00Z","type":"GroupApproved.v1"}'
)
FIXED_V1_HASH = "1da60cd88ae49262b345f8eb7735a9a6e546252be0cbc47d12ca49aa9fbfea3b"
# The first event of the builders' group "cms" (request_group() with its defaults).
CMS_REQUESTED_HASH = "8e81505b1e346c6e4ffed6d326bacbe70a0b8b91bb20d36e6153b6118b85cf55"


def fixed_event() -> e.GroupApproved:
    return e.GroupApproved(
        originator_id=FIXED_ID,
        originator_version=2,
        timestamp=FIXED_AT,
        actor_id="oar-1",
        actor_role=Role.OAR_OFFICER,
        actor_auth_method=AuthMethod.OIDC,
        actor_auth_issuer="https://auth.cern.ch/auth/realms/cern",
        policy_pack="cern",
        policy_version="1",
        clause="CERN-AG §7, §11, §16",
        reason="objectives are clear",
        previous_hash="a" * 64,
    )


def busy_group() -> Group:
    """A group that has been through most commands, for chain and replay tests."""
    group = active_group(visibility="private", managers=("m-1", "m-2"))
    group.appoint_manager(c.AppointManager(actor=OAR, group="cms", manager="m-3", reason="more help"), T0)
    join_members(group, "a-1", "a-2", at=T0 + DAY)
    group.request_membership(c.RequestMembership(actor=member("a-3"), group="cms"), T0 + DAY)
    group.leave(c.LeaveGroup(actor=member("a-2"), group="cms"), T0 + 2 * DAY)
    gathering_in(group, "meetup", at=T0 + 2 * DAY, under_18_audience=False)
    gathering_in(group, "lecture", approve=False, at=T0 + 2 * DAY, starts_at=T0 + 90 * DAY)
    group.propose_speaker(c.ProposeSpeaker(actor=M1, group="cms", gathering="meetup", speaker="s-1"), T0 + 3 * DAY)
    group.approve_speaker(
        c.ApproveSpeaker(actor=OAR, group="cms", gathering="meetup", speaker="s-1", reason="great talk"),
        T0 + 3 * DAY,
    )
    group.list_gathering(
        c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=(T0 + 4 * DAY).date()), T0 + 4 * DAY
    )
    group.register_participant(
        c.RegisterParticipant(actor=M2, group="cms", gathering="meetup", member="a-1"), T0 + 5 * DAY
    )
    group.request_sponsorship(sponsorship_command(group, "meetup", sector="alcohol"), T0 + 5 * DAY)
    group.approve_sponsorship(
        c.ApproveSponsorship(actor=OAR, group="cms", gathering="meetup", sponsorship="acme", reason="fine"),
        T0 + 6 * DAY,
    )
    group.record_attendance(
        c.RecordAttendance(
            actor=M1, group="cms", gathering="meetup", marks={"a-1": "attended"}, unregistered_attendees=("x-1",)
        ),
        T0 + 61 * DAY,
    )
    group.report_social_media(
        c.ReportSocialMediaSpace(actor=member("a-1"), group="cms", platform="WhatsApp", reason="group chat"),
        T0 + 62 * DAY,
    )
    group.request_termination(c.RequestTermination(actor=M1, group="cms", reason="no more time"), T0 + 70 * DAY)
    return group


def replay(events: list[LedgerEvent]) -> Group:
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    assert isinstance(aggregate, Group)
    return aggregate


def state(group: Group) -> dict[str, Any]:
    return {name: value for name, value in vars(group).items() if name != "_pending_events"}


def first_break(events: list[LedgerEvent]) -> int | None:
    """The index of the first event whose chain link or hash does not verify."""
    previous = GENESIS_HASH
    for index, event in enumerate(events):
        if event.previous_hash != previous or record_hash(event.hash_record()) != event.event_hash:
            return index
        previous = event.event_hash
    return None


# -- canonical form ---------------------------------------------------------------------


def test_canonical_bytes_sort_keys_drop_white_space_keep_utf8() -> None:
    record = {"b": [1, {"z": None, "y": True}], "a": "§7 é", "c": "x y"}
    assert canonical_bytes(record) == '{"a":"§7 é","b":[1,{"y":true,"z":null}],"c":"x y"}'.encode()
    assert canonical_bytes(dict(reversed(record.items()))) == canonical_bytes(record)


def test_canonical_bytes_refuse_nan() -> None:
    with pytest.raises(ValueError):
        canonical_bytes({"amount": float("nan")})


def test_fixed_event_has_a_fixed_canonical_text_and_hash() -> None:
    event = fixed_event()
    text = canonical_bytes(event.hash_record()).decode("utf-8")
    assert text == FIXED_TEXT
    parsed = json.loads(text)
    assert list(parsed) == sorted(parsed)
    assert json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False) == text
    assert ", " not in text.replace("§7, §11, §16", "") and '": ' not in text
    assert event.event_hash == FIXED_HASH
    assert record_hash(event.hash_record()) == FIXED_HASH
    assert fixed_event().event_hash == FIXED_HASH  # deterministic across constructions


def test_a_v1_event_read_today_is_upcast_and_keeps_the_hash_of_its_v1_form() -> None:
    recorded = json.loads(FIXED_V1_TEXT)
    recorded.pop("type")
    event = decode_event(e.GroupApproved, recorded | {"event_hash": FIXED_V1_HASH}, 1)
    assert type(event) is e.GroupApproved and event.recorded_type == "GroupApproved.v1"
    assert (event.actor_auth_method, event.actor_auth_issuer) == (AuthMethod.LOCAL_CLI, None)
    assert (event.policy_pack, event.policy_version) == (None, None)  # not recorded in v1
    assert canonical_bytes(event.hash_record()).decode("utf-8") == FIXED_V1_TEXT
    assert record_hash(event.hash_record()) == event.event_hash == FIXED_V1_HASH


def test_a_v1_event_with_an_altered_field_no_longer_matches_its_hash() -> None:
    recorded = json.loads(FIXED_V1_TEXT)
    recorded.pop("type")
    event = decode_event(e.GroupApproved, recorded | {"reason": "changed", "event_hash": FIXED_V1_HASH}, 1)
    assert record_hash(event.hash_record()) != FIXED_V1_HASH


def test_a_requested_group_has_a_fixed_first_hash() -> None:
    first = request_group().pending_events[0]
    assert first.originator_id == group_id("cms")
    assert first.event_hash == CMS_REQUESTED_HASH
    assert request_group().pending_events[0].event_hash == CMS_REQUESTED_HASH


def test_the_hash_record_names_the_versioned_type_and_leaves_out_the_hash_and_topic() -> None:
    first = request_group().pending_events[0]
    record = first.hash_record()
    assert record["type"] == "GroupRequested.v2"
    assert "event_hash" not in record and "originator_topic" not in record
    assert record["previous_hash"] == GENESIS_HASH


def test_amounts_are_hashed_as_decimal_strings() -> None:
    group = active_group()
    gathering_in(group, approve=False, fee_per_participant=Decimal("12.50"))
    record = group.pending_events[-1].hash_record()
    assert record["fee_per_participant"] == "12.50"
    assert not any(isinstance(value, float) for value in record.values())


def test_event_ids_are_deterministic() -> None:
    assert fixed_event().event_id == fixed_event().event_id
    other = fixed_event().model_copy(update={"originator_version": 3})
    assert other.event_id != fixed_event().event_id


def test_the_event_id_text_is_the_uuid5_event_id() -> None:
    import uuid

    events = [*busy_group().pending_events, fixed_event()]
    events += [fixed_event().model_copy(update={"originator_id": uuid.uuid4(), "originator_version": n})
               for n in range(1, 400)]  # every variant digit (8, 9, a, b) comes up  # fmt: skip
    for event in events:
        assert event.event_id_text() == str(event.event_id) == event.event_id_text(str(event.originator_id))
    assert {event.event_id_text()[19] for event in events} == set("89ab")


# -- the per-group chain ----------------------------------------------------------------


def test_events_of_a_group_form_a_hash_chain() -> None:
    events = list(busy_group().pending_events)
    assert len(events) > 20
    assert events[0].previous_hash == GENESIS_HASH
    for before, after in zip(events, events[1:]):
        assert after.previous_hash == before.event_hash
        assert after.originator_version == before.originator_version + 1
    for event in events:
        assert event.event_hash == record_hash(event.hash_record())
    assert len({event.event_hash for event in events}) == len(events)
    assert first_break(events) is None


def test_the_aggregate_remembers_the_last_hash() -> None:
    group = busy_group()
    assert group.last_hash == group.pending_events[-1].event_hash


def test_two_groups_have_separate_chains() -> None:
    cms, atlas = request_group("cms"), request_group("atlas")
    assert cms.pending_events[0].previous_hash == atlas.pending_events[0].previous_hash == GENESIS_HASH
    assert cms.pending_events[0].event_hash != atlas.pending_events[0].event_hash


def _altered(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, Decimal):
        return value + 1
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    if isinstance(value, UUID):
        return UUID(int=value.int ^ 1)
    if isinstance(value, Enum):
        return next(v for v in type(value) if v is not value)
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return (*value, value[0]) if value else ("x",)
    if value is None:
        return "added"
    raise AssertionError(f"no alteration for {value!r}")


def _hashed_fields(event: LedgerEvent) -> list[str]:
    return [name for name in type(event).model_fields if name not in ("event_hash", "originator_topic")]


def test_changing_any_field_of_any_event_changes_the_recomputed_hash() -> None:
    events = busy_group().pending_events
    assert len({type(event) for event in events}) >= 15
    for event in events:
        for name in _hashed_fields(event):
            tampered = event.model_copy(update={name: _altered(getattr(event, name))})
            assert tampered.event_hash == event.event_hash  # a copy keeps the stale seal ...
            # ... which no longer fits the record
            assert record_hash(tampered.hash_record()) != event.event_hash, (type(event), name)


def test_changing_the_reason_is_detected() -> None:
    event = fixed_event()
    tampered = event.model_copy(update={"reason": "objectives are unclear"})
    assert record_hash(tampered.hash_record()) != FIXED_HASH
    assert e.GroupApproved(**(tampered.model_dump() | {"event_hash": ""})).event_hash != FIXED_HASH


def test_a_tampered_or_removed_event_breaks_the_chain_at_its_position() -> None:
    events = list(busy_group().pending_events)
    tampered = events.copy()
    tampered[5] = events[5].model_copy(update={"actor_id": "oar-2"})
    assert first_break(tampered) == 5
    resealed = events.copy()
    resealed[5] = type(events[5])(**(events[5].model_dump() | {"actor_id": "oar-2", "event_hash": ""}))
    assert first_break(resealed) == 6  # a resealed event breaks the link of its successor
    assert first_break(events[:7] + events[8:]) == 7
    assert first_break(events[1:]) == 0


def test_events_survive_a_json_round_trip_with_their_hash() -> None:
    for event in busy_group().pending_events:
        again = type(event).model_validate_json(event.model_dump_json())
        assert again == event
        assert record_hash(again.hash_record()) == event.event_hash


# -- replay ------------------------------------------------------------------------------


def test_replay_rebuilds_the_same_group() -> None:
    group = busy_group()
    rebuilt = replay(list(group.pending_events))
    assert rebuilt is not group
    assert rebuilt.status == group.status
    assert rebuilt.managers == group.managers == {"m-1", "m-2", "m-3"}
    assert rebuilt.members == group.members == {"a-1"}
    assert rebuilt.pending_requests == group.pending_requests
    assert rebuilt.gatherings == group.gatherings
    assert rebuilt.gatherings["meetup"].sponsorships["acme"].status == "approved"
    assert rebuilt.gatherings["meetup"].unregistered_attendees == ("x-1",)
    assert (rebuilt.id, rebuilt.version, rebuilt.last_hash) == (group.id, group.version, group.last_hash)
    assert state(rebuilt) == state(group)


def test_replaying_a_prefix_gives_the_state_at_that_point() -> None:
    events = list(busy_group().pending_events)
    for cut in (1, 3, 10, len(events)):
        live = None
        for index, event in enumerate(events[:cut]):
            live = replay(events[: index + 1])
        assert replay(events[:cut]).version == cut
        assert state(replay(events[:cut])) == state(live)
    assert replay(events[:1]).status.value == "requested"
    assert replay(events[:2]).status.value == "active"


def test_a_replayed_group_keeps_enforcing_rules_and_extending_the_chain() -> None:
    group = busy_group()
    rebuilt = replay(list(group.pending_events))
    rebuilt.terminate(
        c.TerminateGroup(actor=OAR, group="cms", initiative="managers-request", reason="they asked"), T0 + 71 * DAY
    )
    (event,) = rebuilt.pending_events
    assert event.previous_hash == group.last_hash
    assert event.originator_version == group.version + 1
    with pytest.raises(Exception) as caught:
        rebuilt.appoint_manager(c.AppointManager(actor=OAR, group="cms", manager="m-4"), T0 + 72 * DAY)
    assert getattr(caught.value, "rule", None) == "terminated-group-is-closed"
