"""Applies folded changes to SQL, with the consumer position, in one transaction.

Duplicates (at-least-once delivery) are recognised by the group's version: one
group's events arrive in order on one partition, so an event whose version is not
above the group's projected version was applied already. A version that skips
ahead means an event is missing: that is an error, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from domain.events.base import LedgerEvent
from domain.events.group import GroupRequested
from projections.changes import Change, Delete, Increment, Insert, Update, Upsert
from projections.fold import fold
from projections.tables import consumer_offsets, groups, read_models


class ProjectionError(Exception):
    """An event that cannot be applied (out of order, unknown group)."""


def apply_event(connection: Connection, event: LedgerEvent, position: int) -> bool:
    """Apply one event; False if it was a duplicate. Call inside a transaction."""
    projected = connection.execute(
        select(groups.c.version).where(groups.c.group_id == str(event.originator_id))
    ).scalar()
    expected = 1 if projected is None else projected + 1
    if event.originator_version < expected:
        return False
    if event.originator_version > expected or (projected is None and not isinstance(event, GroupRequested)):
        raise ProjectionError(
            f"event {event.event_id} (group {event.originator_id}, version {event.originator_version}, "
            f"position {position}) arrived before version {expected}: an event is missing"
        )
    apply_changes(connection, fold(event, position))
    return True


def apply_changes(connection: Connection, changes: Iterable[Change]) -> None:
    for change in changes:
        table = read_models.tables[change.table]
        if isinstance(change, Insert):
            connection.execute(insert(table).values(**change.values))
        elif isinstance(change, Update):
            connection.execute(update(table).where(_match(table, change.key)).values(**change.values))
        elif isinstance(change, Delete):
            connection.execute(delete(table).where(_match(table, change.key)))
        elif isinstance(change, Increment):
            column = table.c[change.column]
            connection.execute(update(table).where(_match(table, change.key)).values({column: column + change.by}))
        else:
            _upsert(connection, table, change)


def _match(table: Any, key: dict[str, Any]) -> Any:
    return and_(*(table.c[name] == value for name, value in key.items()))


def _upsert(connection: Connection, table: Any, change: Upsert) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**change.key, **change.values)
    if change.values:
        statement = statement.on_conflict_do_update(index_elements=list(change.key), set_=change.values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(change.key))
    connection.execute(statement)


def record_offset(connection: Connection, topic: str, partition: int, next_offset: int) -> None:
    """The consumer's position, in the same transaction as the rows it produced."""
    _upsert(connection, consumer_offsets,
            Upsert("consumer_offsets", {"topic": topic, "partition": partition}, {"next_offset": next_offset}))  # fmt: skip


def stored_offsets(connection: Connection, topic: str) -> dict[int, int]:
    rows = connection.execute(select(consumer_offsets).where(consumer_offsets.c.topic == topic)).all()
    return {row.partition: row.next_offset for row in rows}
