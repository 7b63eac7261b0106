"""Applies folded events to SQL as one unit of work, with the consumer position, in one transaction.

A batch of events (one poll's records of one partition) is applied in three steps:

1. fold every event (pure, ``projections.fold``) and collect the rows its changes touch;
2. load those rows: one SELECT per table, by primary key (joined with ``unnest`` of
   one array per key column on PostgreSQL, ``IN`` lists of at most ``CHUNK`` on SQLite);
3. apply the changes in memory (``projections.staging``, with the semantics of the SQL
   statements) and write the result with one ``executemany`` per statement shape:
   DELETE, UPDATE of the assigned columns, INSERT of new rows, per table, then the
   appended audit-trail rows.

That is a couple of dozen statements per batch instead of five or six per event; the
caller then records the partition's next offset in the same transaction.

Duplicates (at-least-once delivery) are recognised by the group's version: one
group's events arrive in order on one partition, so an event whose version is not
above the group's projected version was applied already. A version that skips
ahead means an event is missing: that is an error, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, String, and_, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from domain.events.base import LedgerEvent
from projections.bulk import execute_many
from projections.changes import Change
from projections.fold import fold
from projections.staging import Key, ProjectionError, Row, Staging, primary_key, touched
from projections.tables import consumer_offsets, read_models, stale_groups

__all__ = ["ProjectionError", "apply_changes", "apply_event", "apply_events", "record_offset",
           "stale_among", "stored_offsets"]  # fmt: skip

CHUNK = 300
"""Keys per SELECT: at most 900 bound values, under SQLite's oldest limit (999)."""


def apply_events(connection: Connection, events: Sequence[tuple[LedgerEvent, int]]) -> int:
    """Apply (event, position) pairs in order; the number applied (duplicates are not).
    Raises ``ProjectionError`` (nothing written) if one is out of order. Call inside a
    transaction."""
    folded = []
    for event, position in events:
        gid = str(event.originator_id)  # once per event: fold, keys and staging share it
        folded.append((event, position, (gid,), fold(event, position, gid)))
    keys = touched(change for *_, changes in folded for change in changes)
    keys["groups"] |= {group for _, _, group, _ in folded}
    staging = _staging(connection, keys)
    applied = sum(staging.apply_event(event, position, changes, group) for event, position, group, changes in folded)
    _write(connection, staging)
    return applied


def apply_event(connection: Connection, event: LedgerEvent, position: int) -> bool:
    """Apply one event; False if it was a duplicate. Call inside a transaction."""
    return apply_events(connection, [(event, position)]) == 1


def apply_changes(connection: Connection, changes: Iterable[Change]) -> None:
    """Apply changes that no event version guards (e.g. marking a group stale)."""
    changes = list(changes)
    staging = _staging(connection, touched(changes))
    staging.apply(changes)
    _write(connection, staging)


def _staging(connection: Connection, keys: dict[str, set[Key]]) -> Staging:
    return Staging(keys, {table: _load(connection, table, wanted) for table, wanted in keys.items()})


def _load(connection: Connection, name: str, keys: Iterable[Key]) -> list[Row]:
    """The rows of table ``name`` whose primary keys are among ``keys``."""
    columns, keys = primary_key(name), list(keys)
    if not keys:
        return []
    if connection.dialect.name == "postgresql":
        params = {f"k_{c}": [key[i] for key in keys] for i, c in enumerate(columns)}
        return [dict(row) for row in connection.execute(_load_by_arrays(name), params).mappings()]
    wanted = [key[0] for key in keys] if len(columns) == 1 else keys
    found: list[Row] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = {"keys": wanted[start : start + CHUNK]}
        found += [dict(row) for row in connection.execute(_load_by_in(name), chunk).mappings()]
    return found


@cache
def _load_by_in(name: str) -> Any:
    # one statement object: building one per call costs more than SQLite's query
    table, columns = read_models.tables[name], primary_key(name)
    match = table.c[columns[0]] if len(columns) == 1 else tuple_(*(table.c[c] for c in columns))
    return select(table).where(match.in_(bindparam("keys", expanding=True)))


@cache
def _load_by_arrays(name: str) -> Any:
    """PostgreSQL: the rows whose keys are in arrays (one per key column), joined with
    ``unnest``. A long IN list costs milliseconds per statement in psycopg's query
    parsing and in planning; two array parameters do not, and need no chunks."""
    table, columns = read_models.tables[name], primary_key(name)
    # VARCHAR without a length: a cast to VARCHAR(n)[] would silently truncate a too-long key
    types = [String() if isinstance(table.c[c].type, String) else table.c[c].type for c in columns]
    arrays = (bindparam(f"k_{c}", type_=ARRAY(t)) for c, t in zip(columns, types, strict=True))
    wanted = func.unnest(*arrays).table_valued(*columns).render_derived(name="wanted")
    return select(table).join(wanted, and_(*(table.c[c] == wanted.c[c] for c in columns)))


def _write(connection: Connection, staging: Staging) -> None:
    for write in staging.writes():
        key = primary_key(write.table)
        if write.kind == "insert":
            execute_many(connection, _insert(write.table), write.rows, write.columns)
        elif write.kind == "update":
            execute_many(connection, _update(write.table, key, write.columns), [_params(r, key) for r in write.rows])
        else:
            execute_many(connection, _delete(write.table, key), [_params(r, key) for r in write.rows])


def _params(row: Row, key: tuple[str, ...]) -> dict[str, Any]:
    # prefixed: SQLAlchemy reserves a column's own name for the SET clause
    return {f"k_{name}" if name in key else f"v_{name}": value for name, value in row.items()}


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
def _offset_upsert(dialect: str) -> Any:
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(consumer_offsets)
    return statement.on_conflict_do_update(
        index_elements=["topic", "partition"], set_={"next_offset": statement.excluded.next_offset}
    )


def record_offset(connection: Connection, topic: str, partition: int, next_offset: int) -> None:
    """The consumer's position, in the same transaction as the rows it produced."""
    values = {"topic": topic, "partition": partition, "next_offset": next_offset}
    connection.execute(_offset_upsert(connection.dialect.name), values)


def stored_offsets(connection: Connection, topic: str) -> dict[int, int]:
    rows = connection.execute(select(consumer_offsets).where(consumer_offsets.c.topic == topic)).all()
    return {row.partition: row.next_offset for row in rows}


def stale_among(connection: Connection, group_ids: Iterable[str]) -> set[str]:
    """Those of ``group_ids`` that are marked stale (an earlier event of theirs was parked)."""
    return {row["group_id"] for row in _load(connection, stale_groups.name, {(g,) for g in group_ids})}
