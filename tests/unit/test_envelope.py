"""The envelope codec: the relay's fast path (from stored bytes) writes exactly the message
the reference path (from the pydantic event) writes, and decoding gives the event back."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.canonical import record_hash
from domain.events.base import ADDED_IN_V2, LedgerEvent
from infra.kafka.envelope import EnvelopeError, decode, encode, encode_stored
from infra.store.mapper import PydanticMapper

pytestmark = pytest.mark.unit

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OAR = Actor(id="oar-1", role="oar")
# Quotes, backslashes, control characters, non-ASCII and astral characters, line separators.
AWKWARD = 'Zoë\'s "group" \\ \t\n\x01\x1f\x7f — 日本 😀 \u2028\u2029 </script>'


def _events(reason: str) -> list[LedgerEvent]:
    group = Group.request(
        c.RequestGroup(actor=Actor(id="m-1", role="member"), group="atlas", name="Atlas Zoë",
                       group_type="other", managed_by="alumni", visibility="public",
                       objectives="Keep in touch", proposed_managers=("m-1", "m-2")),
        AT,
    )  # fmt: skip
    group.approve(c.ApproveGroup(actor=OAR, group="atlas", reason="objectives are clear"), AT)
    *earlier, approved = group.pending_events
    # Commands refuse control characters, but the codec must carry any stored text intact:
    # the approval is rebuilt (and resealed) with the awkward reason.
    resealed = type(approved).model_validate(approved.model_dump() | {"reason": reason, "event_hash": ""})
    return [*earlier, resealed]


@pytest.mark.parametrize("reason", ["objectives are clear", AWKWARD])
def test_encoding_from_stored_bytes_equals_encoding_the_event(reason: str) -> None:
    mapper = PydanticMapper(transcoder=None)  # type: ignore[arg-type]  (the JSON mapper needs none)
    for position, event in enumerate(_events(reason), start=7):
        stored = mapper.to_stored_event(event)
        key, value, headers = encode_stored(type(event).__name__, stored.originator_id,
                                            stored.originator_version, stored.state, position)  # fmt: skip
        reference = encode(event, position)
        assert (key, headers) == (reference[0], reference[2])
        assert json.loads(value) == json.loads(reference[1])  # same body; key order may differ


def test_the_value_is_compact_utf8_json_as_the_standard_library_writes_it() -> None:
    event = _events(AWKWARD)[-1]
    _, value, _ = encode(event, 1)
    body = json.loads(value)
    assert body["reason"] == AWKWARD
    assert value == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_decoding_gives_the_event_and_its_coordinates_back() -> None:
    for position, event in enumerate(_events(AWKWARD), start=1):
        message = decode(*encode(event, position))
        assert message.event() == event
        assert (message.position, message.event_id, message.group_id) == (
            position, event.event_id, event.originator_id)  # fmt: skip
        assert message.recomputed_hash() == event.event_hash


@pytest.mark.parametrize(
    ("value", "problem"),
    [(b"{not json", "malformed ledger message"), (b'{"a": NaN}', "malformed ledger message")],
)
def test_a_body_that_is_not_strict_json_is_refused(value: bytes, problem: str) -> None:
    key, _, headers = encode(_events("objectives are clear")[0], 1)
    with pytest.raises(EnvelopeError, match=problem):
        decode(key, value, headers)


def test_a_message_without_ledger_headers_is_refused_naming_them() -> None:
    key, value, headers = encode(_events("objectives are clear")[0], 1)
    kept = [(name, raw) for name, raw in headers if name != "ledger_position"]
    with pytest.raises(EnvelopeError, match="missing header\\(s\\): ledger_position"):
        decode(key, value, kept)


def test_a_v1_event_is_published_as_v1_and_decodes_upcast_with_its_v1_hash() -> None:
    """A stored v1 event (no class_version in its state) keeps its v1 type and body on Kafka;
    a consumer reads it as today's class, with the hash of its v1 form."""
    mapper = PydanticMapper(transcoder=None)  # type: ignore[arg-type]
    event = _events("objectives are clear")[-1]
    v1_state = {k: v for k, v in json.loads(mapper.to_stored_event(event).state).items()
                if k not in ("class_version", *ADDED_IN_V2)}  # fmt: skip
    v1_record = v1_state | {"originator_id": str(event.originator_id), "originator_version": 2,
                            "type": "GroupApproved.v1"}  # fmt: skip
    v1_record.pop("event_hash")
    v1_state["event_hash"] = record_hash(v1_record)  # as the previous release sealed it
    key, value, headers = encode_stored("GroupApproved", event.originator_id, 2, json.dumps(v1_state).encode(), 3)
    message = decode(key, value, headers)
    assert message.event_type == "GroupApproved.v1" and "policy_pack" not in message.body
    assert message.recomputed_hash() == message.event_hash == v1_state["event_hash"]
    upcast = message.event()
    assert upcast.recorded_type == "GroupApproved.v1" and upcast.type_name() == "GroupApproved.v2"
    assert (upcast.actor_auth_method, upcast.policy_version) == ("local-cli", None)
    assert upcast.event_hash == v1_state["event_hash"]
    again_key, again_value, again_headers = encode(upcast, 3)  # re-published as recorded
    assert (again_key, again_headers) == (key, headers) and json.loads(again_value) == json.loads(value)


def test_a_v2_event_records_how_its_actor_was_authenticated_and_the_pack_version() -> None:
    event = _events("objectives are clear")[-1]
    message = decode(*encode(event, 1))
    assert message.event_type == "GroupApproved.v2"
    assert {k: message.body[k] for k in ADDED_IN_V2} == {
        "actor_auth_method": "local-cli", "actor_auth_issuer": None, "policy_pack": "cern", "policy_version": "1"}


def test_reading_an_event_leaves_the_message_body_as_it_was() -> None:
    for event in _events("plain reason"):
        key, value, headers = encode(event, 1)
        message = decode(key, value, headers)
        before = json.loads(value)
        assert message.event() == event
        assert message.body == before
