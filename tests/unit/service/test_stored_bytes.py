"""The write path stores exactly the bytes it stored before it was reworked (issue 13).

``tests/data/stored_events/written_before.jsonl`` holds what a fixed run of commands stored
with the code before the rework (``make_fixture.py`` beside it says how it was written). The
same run with today's code must store the same events, byte for byte: topics, originator
ids and versions, states (so every ``event_hash`` and ``previous_hash``), in the same order.
And every event written now is checked against the reference path, in the process: its
stored state against pydantic's own dump, its hash against the standard library encoder.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from eventsourcing.persistence import JSONTranscoder, StoredEvent

from domain.canonical import canonical_bytes as reference_canonical_bytes
from domain.events.base import LedgerEvent
from infra.store.mapper import PydanticMapper
from service.ledger import LedgerApplication

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parents[2] / "data" / "stored_events"


def fixture_module() -> Any:
    spec = importlib.util.spec_from_file_location("make_stored_events", FIXTURES / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def written_before() -> list[dict]:
    with (FIXTURES / "written_before.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.mark.parametrize("cache_size", [0, 10])
def test_the_same_commands_store_the_same_bytes_as_before(cache_size: int) -> None:
    before, now = written_before(), fixture_module().record(cache_size)
    assert len(before) == len(now) > 80
    for old, new in zip(before, now, strict=True):
        assert new == old
        assert new["state"].encode("utf-8") == old["state"].encode("utf-8")


class ReferenceCheckingMapper(PydanticMapper):
    """Stores as ``PydanticMapper`` does, and checks each event against the reference path:
    the state as pydantic dumps it, the hash over the standard library's canonical bytes."""

    checked: list[str] = []

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        if isinstance(domain_event, LedgerEvent):
            state = domain_event.model_dump(mode="json", exclude={"originator_id", "originator_version"})
            state["class_version"] = type(domain_event).class_version
            assert stored.state == orjson.dumps(state)
            record = domain_event.model_dump(mode="json", exclude={"event_hash", "originator_topic"})
            record["type"] = domain_event.type_name()
            assert domain_event.hash_record() == record
            assert list(domain_event.hash_record()) == list(record)  # the same order too
            assert hashlib.sha256(reference_canonical_bytes(record)).hexdigest() == domain_event.event_hash
            self.checked.append(domain_event.type_name())
        return stored


class CheckedLedger(LedgerApplication):
    def construct_mapper(self) -> PydanticMapper:
        return ReferenceCheckingMapper(transcoder=self.construct_transcoder())


def test_every_event_written_is_the_reference_state_and_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    module = fixture_module()
    monkeypatch.setattr(module, "LedgerApplication", CheckedLedger)
    ReferenceCheckingMapper.checked = []
    stored = module.record(cache_size=10)
    assert len(ReferenceCheckingMapper.checked) == len(stored)
    assert len(set(ReferenceCheckingMapper.checked)) >= 20  # event types


def test_a_changed_copy_of_an_event_is_stored_as_changed() -> None:
    """``model_copy(update=...)`` sets fields without sealing: the copy must not be stored
    from the JSON form its original kept (the tamper tests store such copies)."""
    mapper = PydanticMapper(transcoder=JSONTranscoder())
    first = written_before()[0]
    recorded = mapper.to_domain_event(
        StoredEvent(uuid.UUID(first["originator_id"]), first["originator_version"], first["topic"],
                    first["state"].encode("utf-8"))
    )  # fmt: skip
    sealed = type(recorded)(**recorded.model_dump() | {"event_hash": ""})  # sealed here: keeps its JSON form
    assert sealed == recorded
    assert mapper.to_stored_event(sealed).state == first["state"].encode("utf-8")
    changed = sealed.model_copy(update={"reason": "changed"})
    assert changed != sealed
    assert orjson.loads(mapper.to_stored_event(changed).state)["reason"] == "changed"
