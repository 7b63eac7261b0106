"""What happens to a message the projector cannot apply: stop, or park it."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection

from sqlalchemy import select

from projections.changes import Insert
from projections.tables import stale_groups
from projections.writer import apply_changes

log = logging.getLogger("oar.projector")


class ProjectorStopped(Exception):
    """A message could not be decoded or applied; nothing after it was applied."""

    @classmethod
    def on(cls, record: Any, problem: Exception) -> ProjectorStopped:
        event_id = dict(record.headers or []).get("ce_id", b"?").decode(errors="replace")
        return cls(
            f"cannot apply {record.topic} partition {record.partition} offset {record.offset} "
            f"(event {event_id}): {problem}"
        )

    @classmethod
    def stale(cls, record: Any, message: Any) -> ProjectorStopped:
        return cls.on(record, RuntimeError(f"group {message.group_id} is stale: an earlier event was parked"))


def park(connection: Connection, producer: Any, topic: str, record: Any, problem: Exception,
         timeout: float = 30.0) -> None:  # fmt: skip
    """Send the raw message to the dead-letter topic and mark its group stale."""
    headers = list(record.headers or []) + [
        ("dlq_error", str(problem)[:1000].encode()),
        ("dlq_source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
    ]
    producer.send(topic, key=record.key, value=record.value, headers=headers).get(timeout=timeout)
    group_id = (record.key or b"unknown").decode(errors="replace")
    already = connection.execute(select(stale_groups.c.group_id).where(stale_groups.c.group_id == group_id)).first()
    if already is None:  # keep the first cause: later messages of the group are parked behind it
        reason = f"offset {record.offset} of partition {record.partition}: {problem}"[:1000]
        apply_changes(connection, [Insert("stale_groups", {"group_id": group_id, "offset": record.offset, "reason": reason})])
    log.error("parked %s/%s/%s on %s: %s", record.topic, record.partition, record.offset, topic, problem)
