"""Reading the notification log fast, for the relay and the verifier."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple


class RawNotification(NamedTuple):
    """A notification as stored, with the originator id left as the text the row holds."""

    id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def notification_reader(recorder: Any) -> Callable[[int, int], Sequence[Any]]:
    """``(start, limit) -> notifications`` for the relay and the verifier: the recorder's own
    ``select_notifications``, except on SQLite, where the same query runs without parsing
    every originator id into a UUID object that the caller turns straight back into text
    (about 5 µs an event, a fifth of a 1M-event verify): the 32 hex digits the recorder
    stores are hyphenated directly. A stored id that is not 32 hex digits cannot be the
    UUID the event was hashed with: its event then fails the verifier's hash check
    (eventsourcing's reader would raise instead)."""
    from eventsourcing.sqlite import SQLiteApplicationRecorder

    if type(recorder) is not SQLiteApplicationRecorder or recorder.datastore.originator_id_type != "uuid":
        return recorder.select_notifications
    statement = (f"SELECT rowid, originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
                 "WHERE rowid>=? ORDER BY rowid LIMIT ?")  # fmt: skip

    def read(start: int, limit: int) -> list[RawNotification]:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (start, limit))
            return [RawNotification(row[0], _hyphenated(row[1]), row[2], row[3], row[4]) for row in cursor.fetchall()]

    return read


def _hyphenated(hex_digits: str) -> str:
    """``str(UUID(hex_digits))`` for the 32 hex digits the SQLite recorder stores."""
    h = hex_digits.lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" if len(h) == 32 else h
