"""Stores pydantic events as JSON (eventsourcing 9.5 ships no pydantic mapper).

Written by hand after the library's own examples (aggregate7/8): the stored state is
the event's JSON form without ``originator_id`` / ``originator_version`` (kept in
their own columns). Loading validates it back into the event class, keeping the
stored ``event_hash`` as it is, so a verifier can recompute and compare.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic


class PydanticMapper(Mapper):
    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = domain_event.model_dump(mode="json", exclude={"originator_id", "originator_version"})
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=orjson.dumps(state),  # compact UTF-8 JSON
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event_class = resolve_topic(stored_event.topic)
        state = decode_state(stored_event)
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        return event_class.model_validate(state)


def decode_state(stored_event: StoredEvent) -> dict[str, Any]:
    """The stored JSON state of an event, as written."""
    return orjson.loads(stored_event.state)
