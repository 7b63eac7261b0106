"""Stored events as the verifier sees them: raw JSON from the notification log, no pydantic.

Reading the stored bytes directly (rather than through the mapper) means a tampered row
is examined as it is, and a state that no longer validates as an event is still reported
instead of crashing the verifier. It is also several times faster than model validation; the JSON is read and
canonicalised with orjson (``infra.canonical``: the same bytes as ``domain.canonical``).

The hash record of an event (see ``domain.events.base.LedgerEvent.hash_record``) is
rebuilt from the stored state: the state minus ``event_hash`` and ``originator_topic``,
plus ``originator_id`` / ``originator_version`` (kept in their own columns by the
mapper) and ``"type": "<Name>.v<N>"``: the name from the stored topic, the version from the
state's ``class_version`` (absent = 1), so a v1 event is checked against its v1 form.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from domain.events.ids import event_id_text
from infra.canonical import canonical_bytes, loads_plain, plain_canonical_bytes
from infra.store.notifications import notification_reader

_NOT_IN_BODY = ("originator_topic", "class_version")


@cache
def event_name_of(topic: str) -> str | None:
    """The event class name a stored topic names; None if it names no event class."""
    from eventsourcing.utils import resolve_topic

    try:
        return resolve_topic(topic).type_name().rpartition(".v")[0]
    except Exception:  # noqa: BLE001 - a tampered or unknown topic is reported, not raised
        return None


def type_name_of(topic: str, state: dict[str, Any] | None = None) -> str:
    """``Name.vN`` of a stored event (N from the state's ``class_version``, default 1);
    ``?<topic>`` if the topic names no event class."""
    name = event_name_of(topic)
    if name is None:
        return f"?{topic}"
    version = state.get("class_version", 1) if isinstance(state, dict) else 1
    return f"{name}.v{version}"


def event_id_of(group_id: str, version: int) -> str:
    """The deterministic event id (``LedgerEvent.event_id``) as a string."""
    return event_id_text(group_id, version)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One stored event: its ledger position, aggregate coordinates and raw JSON state.

    ``state`` is ``None`` when the stored bytes are not a JSON object.
    """

    position: int
    group_id: str
    version: int
    type_name: str
    state: dict[str, Any] | None
    plain: bool = False
    """The state holds no float (read by ``loads_plain``): its canonical bytes come from orjson directly."""

    @property
    def event_id(self) -> str:
        return event_id_of(self.group_id, self.version)

    @property
    def event_hash(self) -> str:
        """The hash recorded in the stored state (``""`` if absent)."""
        value = (self.state or {}).get("event_hash")
        return value if isinstance(value, str) else ""

    @property
    def previous_hash(self) -> str:
        value = (self.state or {}).get("previous_hash")
        return value if isinstance(value, str) else ""

    def hash_record(self) -> dict[str, Any]:
        record = dict(self.state or {})  # a C-level copy, then two pops: faster than filtering
        record.pop("event_hash", None)
        record.pop("originator_topic", None)
        record.pop("class_version", None)  # the version is in the type name
        record["originator_id"] = self.group_id
        record["originator_version"] = self.version
        record["type"] = self.type_name
        return record

    def hash_bytes(self) -> bytes:
        """The canonical bytes whose SHA-256 is the event hash."""
        record = self.hash_record()  # the coordinates and type added to a plain state are plain too
        return plain_canonical_bytes(record) if self.plain else canonical_bytes(record)

    def recomputed_hash(self) -> str:
        return hashlib.sha256(self.hash_bytes()).hexdigest()

    def body(self) -> dict[str, Any]:
        """The Kafka message body the relay builds from this event (``encode_stored``)."""
        body = {k: v for k, v in (self.state or {}).items() if k not in _NOT_IN_BODY}
        body["originator_id"], body["originator_version"] = self.group_id, self.version
        return body


def from_notification(notification: Any) -> StoredRecord:
    try:
        state, plain = loads_plain(notification.state)
    except (ValueError, UnicodeDecodeError):
        state, plain = None, False
    state = state if isinstance(state, dict) else None
    return StoredRecord(
        position=notification.id,
        group_id=str(notification.originator_id),
        version=notification.originator_version,
        type_name=type_name_of(notification.topic, state),
        state=state,
        plain=plain,
    )


def read_records(recorder: Any, start: int = 1, batch_size: int = 1000) -> Iterator[list[StoredRecord]]:
    """Batches of stored events from position ``start`` on, in notification order.

    Gaps in the positions (PostgreSQL rollbacks) are skipped, never waited for.
    """
    read = notification_reader(recorder)
    while batch := read(start, batch_size):
        yield [from_notification(n) for n in batch]
        start = batch[-1].id + 1
