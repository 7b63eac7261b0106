"""The orjson canonical encoder (``infra.canonical``) writes exactly the bytes of the
definition (``domain.canonical``, stdlib json) for every stored event type, and NaN or
infinite numbers can get into no event and no canonical record.

Events come from the demo year played on eventsourcing's in-memory store (no I/O), plus
the three types the year does not record, built from a recorded event of their family."""

from __future__ import annotations

import hashlib
import json
import typing
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.actors import Actor
from domain.canonical import canonical_bytes as reference
from domain.events.base import LedgerEvent
from domain.events.catalog import event_types
from infra.canonical import canonical_bytes, loads
from infra.clock import SimulatedClock
from entrypoints.demo.script import DemoRun
from entrypoints.demo.year import run_year
from infra.evidence.records import StoredRecord, from_notification
from service.ledger import LedgerApplication

pytestmark = pytest.mark.unit

AWKWARD = 'Zoë\'s "group" \\ \t\n\r\b\f\x00\x01\x1f\x7f\x80 — 日本 😀 \u2028\u2029 </script> \ud7ff\ue000\uffff'
MISSING_FROM_THE_YEAR = {  # type the year does not record -> a recorded type with the fields it needs, and more
    "GatheringRejected.v2": ("GatheringApproved.v2", {}),
    "SpeakerRejected.v2": ("SpeakerApproved.v2", {}),
    "MemberLeft.v2": ("MemberJoined.v2", {}),
    "MembershipRejectionHeld.v2": ("MembershipRejected.v2", {"grounds": ["nationality"], "screening": "'Italian'"}),
    "MembershipRejectionUpheld.v2": ("MembershipRejected.v2", {}),
    "MembershipRejectionOverturned.v2": ("MembershipRejected.v2", {}),
    "ActivityPlanShared.v2": ("GroupApproved.v2", {"year": 2025, "summary": "four talks"}),
    "AlumniDataReported.v2": ("GroupApproved.v2", {"kind": "mailing-list", "description": "a list of members"}),
}


@cache
def recorded() -> tuple[tuple[StoredRecord, LedgerEvent], ...]:
    """Every event of the demo year: as the verifier reads it, and as the domain made it."""
    clock = SimulatedClock(datetime(2025, 1, 6, tzinfo=UTC))
    app = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    run_year(DemoRun(app=app, clock=clock, suffix="canon"))
    notifications = app.recorder.select_notifications(1, 100_000)
    return tuple((from_notification(n), app.mapper.to_domain_event(n)) for n in notifications)


def one_event_per_type() -> dict[str, dict]:
    """A hash record of each of the 32 stored event types."""
    records: dict[str, dict] = {}
    for record, _ in recorded():
        records.setdefault(record.type_name, record.hash_record())
    for missing, (like, extra) in MISSING_FROM_THE_YEAR.items():
        cls = event_types()[missing]
        source = {k: v for k, v in records[like].items() if k in cls.model_fields} | extra
        records[missing] = cls.model_validate(source | {"event_hash": ""}).hash_record()
    return records


def with_awkward_strings(record: dict) -> dict:
    return {k: AWKWARD if isinstance(v, str) else v for k, v in record.items()}


def test_the_records_cover_every_stored_event_type() -> None:
    assert set(one_event_per_type()) == set(event_types())
    assert len(event_types()) == 32


@pytest.mark.parametrize("type_name", sorted(event_types()))
def test_orjson_writes_the_definitions_bytes_for_every_event_type(type_name: str) -> None:
    record = one_event_per_type()[type_name]
    assert canonical_bytes(record) == reference(record)
    awkward = with_awkward_strings(record)
    assert canonical_bytes(awkward) == reference(awkward)
    assert awkward != record  # every type has strings to replace


def test_every_recorded_event_hashes_the_same_through_both_encoders() -> None:
    for record, event in recorded():
        assert record.hash_bytes() == reference(event.hash_record()) == canonical_bytes(event.hash_record())
        assert record.recomputed_hash() == event.event_hash


def test_orjson_and_json_parse_the_stored_states_alike() -> None:
    for record, event in recorded():
        text = json.dumps(record.state, ensure_ascii=False).encode()
        assert loads(text) == json.loads(text) == record.state


@pytest.mark.parametrize(
    "value",
    [1.5, 1e16, -0.0, 2**64, [1, {"deep": 2.5}], {"nested": [3.0]}, float("1e-7")],
    ids=["float", "1e16", "minus-zero", "int-over-64-bits", "nested-float", "nested-list", "tiny"],
)
def test_values_orjson_writes_differently_go_to_the_definition(value: object) -> None:
    record = {"b": value, "a": "x"}
    assert canonical_bytes(record) == reference(record)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_refused_by_both_encoders(number: float) -> None:
    for record in ({"fee": number}, {"fees": [1, number]}, {"outer": {"fee": number}}):
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            reference(record)
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            canonical_bytes(record)


@pytest.mark.parametrize("text", [b'{"fee": NaN}', b'{"fee": Infinity}', b'{"fee": -Infinity}'])
def test_stored_states_with_nan_are_not_json_objects_to_the_verifier(text: bytes) -> None:
    with pytest.raises(ValueError):
        loads(text)


def _annotations(annotation: object) -> set[object]:
    found = {annotation}
    for argument in typing.get_args(annotation):
        found |= _annotations(argument)
    return found


def test_no_event_field_can_hold_a_float() -> None:
    for name, cls in event_types().items():
        for field, info in cls.model_fields.items():
            assert float not in _annotations(info.annotation), f"{name}.{field} may hold a float"


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN", float("nan"), float("inf"),
                                    Decimal("NaN"), Decimal("Infinity")])  # fmt: skip
def test_nan_or_infinite_amounts_are_refused_in_commands_and_events(amount: object) -> None:
    with pytest.raises(ValidationError, match="fee_per_participant"):
        c.ProposeGathering(
            actor=Actor(id="m-1", role="manager"), group="cms-alumni", gathering="visit", title="A visit",
            starts_at=datetime(2026, 6, 1, 18, tzinfo=UTC), purpose="science", connection="the LHC",
            fee_per_participant=amount,
        )  # fmt: skip
    proposed = next(e for r, e in recorded() if r.type_name == "GatheringProposed.v2")
    with pytest.raises(ValidationError, match="fee_per_participant"):
        type(proposed).model_validate(proposed.model_dump() | {"fee_per_participant": amount, "event_hash": ""})


def test_integers_beyond_64_bits_are_read_as_the_standard_library_reads_them() -> None:
    text = b'{"version": 123456789012345678901234567890, "list": [1.5], "a": "x"}'
    assert loads(text) == json.loads(text)
    assert type(loads(text)["version"]) is int
    assert canonical_bytes(loads(text)) == reference(json.loads(text))


def test_the_hash_chain_takes_only_an_encoder_that_writes_the_canonical_bytes() -> None:
    """``record_hash`` (every event's seal) may write with the orjson encoder the service passes
    in; one that writes other bytes is refused, and the one in use stays."""
    from domain import canonical

    canonical.use_encoder(canonical_bytes)
    record = {"b": AWKWARD, "a": [1, {"z": None}]}
    assert canonical.record_hash(record) == hashlib.sha256(reference(record)).hexdigest()
    with pytest.raises(ValueError, match="does not write the canonical bytes"):
        canonical.use_encoder(lambda r: json.dumps(r, sort_keys=True).encode())  # ASCII escapes, spaces
    assert canonical._encode is canonical_bytes
