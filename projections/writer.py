"""Applies folded changes to SQL, with the consumer position, in one transaction.

Duplicates (at-least-once delivery) are recognised by the group's version: one
group's events arrive in order on one partition, so an event whose version is not
above the group's projected version was applied already. A version that skips
ahead means an event is missing: that is an error, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update
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
    projected = connection.execute(_VERSION_QUERY, {"group_id": str(event.originator_id)}).scalar()
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


_VERSION_QUERY = select(groups.c.version).where(groups.c.group_id == bindparam("group_id"))


def apply_changes(connection: Connection, changes: Iterable[Change]) -> None:
    """Execute each change with a cached, parameterised statement: building and compiling
    a statement per row would cost more than the database work."""
    dialect = connection.dialect.name
    for change in changes:
        if isinstance(change, Insert):
            connection.execute(_insert(change.table), change.values)
            continue
        key, values = change.key, getattr(change, "values", {})
        if isinstance(change, Update):
            statement = _update(change.table, tuple(key), tuple(values))
        elif isinstance(change, Delete):
            statement = _delete(change.table, tuple(key))
        elif isinstance(change, Increment):
            statement, values = _increment(change.table, tuple(key), change.column), {"v_by": change.by}
        else:
            connection.execute(_upsert(dialect, change.table, tuple(key), tuple(values)), key | values)
            continue
        connection.execute(statement, {f"k_{k}": v for k, v in key.items()} | _prefixed(values))


def _prefixed(values: dict[str, Any]) -> dict[str, Any]:
    return {name if name.startswith("v_") else f"v_{name}": value for name, value in values.items()}


def _match(table: Any, key: tuple[str, ...]) -> Any:
    return and_(*(table.c[name] == bindparam(f"k_{name}") for name in key))


@cache
def _insert(name: str) -> Any:
    return insert(read_models.tables[name])


@cache
def _update(name: str, key: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    table = read_models.tables[name]
    return update(table).where(_match(table, key)).values({c: bindparam(f"v_{c}") for c in columns})


@cache
def _delete(name: str, key: tuple[str, ...]) -> Any:
    table = read_models.tables[name]
    return delete(table).where(_match(table, key))


@cache
def _increment(name: str, key: tuple[str, ...], column: str) -> Any:
    table = read_models.tables[name]
    return update(table).where(_match(table, key)).values({column: table.c[column] + bindparam("v_by")})


@cache
def _upsert(dialect: str, name: str, key: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    table = read_models.tables[name]
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    if columns:
        return statement.on_conflict_do_update(
            index_elements=list(key), set_={c: statement.excluded[c] for c in columns}
        )
    return statement.on_conflict_do_nothing(index_elements=list(key))


def record_offset(connection: Connection, topic: str, partition: int, next_offset: int) -> None:
    """The consumer's position, in the same transaction as the rows it produced."""
    apply_changes(connection, [
        Upsert("consumer_offsets", {"topic": topic, "partition": partition}, {"next_offset": next_offset})
    ])  # fmt: skip


def stored_offsets(connection: Connection, topic: str) -> dict[int, int]:
    rows = connection.execute(select(consumer_offsets).where(consumer_offsets.c.topic == topic)).all()
    return {row.partition: row.next_offset for row in rows}
