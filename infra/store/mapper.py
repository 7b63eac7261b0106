"""Stores pydantic events as JSON (eventsourcing 9.5 ships no pydantic mapper).

Written by hand after the library's own examples (aggregate7/8): the stored state is
the event's JSON form without ``originator_id`` / ``originator_version`` (kept in
their own columns). Loading validates it back into the event class, keeping the
stored ``event_hash`` as it is, so a verifier can recompute and compare.

Event schema versions follow eventsourcing's own ``Mapper``: a state written by a class
whose ``class_version`` is above 1 carries ``"class_version": N``; reading an older state
upcasts it (``domain.events.catalog.decode_event``). The stored topic names the class,
not the version, so it is the same for every version of an event type.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.events.base import LedgerEvent
from domain.events.catalog import decode_event


IN_COLUMNS = frozenset(("originator_id", "originator_version"))
"""Stored in columns of their own, not in the state."""


class PydanticMapper(Mapper):
    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        topic, class_version, ledger_event = _shape(type(domain_event))
        if ledger_event:  # its JSON form was dumped when it sealed itself
            state = domain_event.json_form(IN_COLUMNS)
        else:  # a snapshot
            state = domain_event.model_dump(mode="json", exclude=IN_COLUMNS)
        if class_version > 1:
            state["class_version"] = class_version
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=orjson.dumps(state),  # compact UTF-8 JSON
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event_class = resolve_topic(stored_event.topic)
        state = decode_state(stored_event)
        version = state.pop("class_version", 1)
        state["originator_id"] = str(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        if issubclass(event_class, LedgerEvent):
            return decode_event(event_class, state, version)
        return event_class.model_validate(state)  # a snapshot


@cache  # one entry per event (or snapshot) class
def _shape(cls: type) -> tuple[str, int, bool]:
    """(topic, class_version, whether it is a ledger event) of an event class."""
    return get_topic(cls), getattr(cls, "class_version", 1), issubclass(cls, LedgerEvent)


def decode_state(stored_event: StoredEvent) -> dict[str, Any]:
    """The stored JSON state of an event, as written."""
    return orjson.loads(stored_event.state)
