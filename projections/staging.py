"""A batch of events applied in memory, then written with a few statements.

Pure (no I/O): ``projections.writer`` loads the rows a batch touches, hands them
here, and writes what ``writes()`` returns. Each change acts on the loaded rows with
exactly the semantics of its SQL statement:

* ``Upsert``: insert key | values if the row is absent, else set ``values``;
* ``Update`` / ``Increment``: set (add to) columns of a present row, nothing if absent;
* ``Delete``: remove the row if present;
* ``Insert``: appended as is (audit trail, reports): the database checks its
  constraints when it is written, so a duplicate still fails.

A row absent at load and present at the end is INSERTed with only the columns the
changes gave (column defaults fill the rest, as in the SQL upsert); a loaded row is
UPDATEd in the columns the changes assigned, or DELETEd; a loaded row deleted and then
upserted again is deleted and re-inserted. Group versions are read from the
``groups`` rows as the batch moves them, so duplicates and gaps within one batch are
found as they were event by event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from domain.events.base import LedgerEvent
from domain.events.group import GroupRequested
from projections.chain import ProjectionError, check_link, check_same_as_applied
from projections.changes import Change, Delete, Increment, Insert, Update, Upsert
from projections.tables import read_models

Key = tuple[Any, ...]
Row = dict[str, Any]


@dataclass(frozen=True)
class Write:
    """One ``executemany``: ``kind`` (delete, update, insert) of ``rows`` in ``table``.
    ``columns`` are the columns set (update, insert); update and delete rows also hold
    the primary key."""

    kind: str
    table: str
    columns: tuple[str, ...]
    rows: list[Row]


@cache
def primary_key(table: str) -> tuple[str, ...]:
    return tuple(c.name for c in read_models.tables[table].primary_key.columns)


def touched(changes: Iterable[Change]) -> dict[str, set[Key]]:
    """The primary keys of the rows each keyed change acts on, by table: what to load."""
    keys: dict[str, set[Key]] = defaultdict(set)
    for change in changes:
        if not isinstance(change, Insert):
            keys[change.table].add(_key_of(change))
    return keys


def group_key(event: LedgerEvent) -> Key:
    """The ``groups`` key whose version tells duplicates and gaps apart."""
    return (str(event.originator_id),)


def _key_of(change: Upsert | Update | Delete | Increment) -> Key:
    columns, key = primary_key(change.table), change.key
    if len(key) == len(columns):
        try:
            return tuple(map(key.__getitem__, columns))
        except KeyError:
            pass
    raise ValueError(f"{type(change).__name__} on {change.table} by {sorted(key)}, not its primary key")


class TableRows:
    """The touched rows of one table: loaded ones, then as the changes leave them."""

    def __init__(self, table: str, keys: Iterable[Key], loaded: Iterable[Row] = ()) -> None:
        self.table, self.key_columns = table, primary_key(table)
        self._key_set = frozenset(self.key_columns)
        self.rows: dict[Key, Row | None] = dict.fromkeys(keys)
        for row in loaded:
            key = tuple(row[c] for c in self.key_columns)
            if key not in self.rows:
                raise ValueError(f"{self.table} row {key} loaded but not asked for")
            self.rows[key] = dict(row)
        self.in_database = {k for k, row in self.rows.items() if row is not None}
        # dicts as ordered sets: the writes come out in the order the changes came in
        self.inserted: dict[Key, None] = {}  # absent from the database, to insert
        self.deleted: dict[Key, None] = {}  # in the database, to delete (then maybe re-insert)
        self.assigned: dict[Key, set[str]] = defaultdict(set)  # columns to update in the database

    def get(self, key: Key) -> Row | None:
        """The row as the batch has left it so far; None if absent."""
        if key not in self.rows:  # never guess: an unloaded row may well exist
            raise LookupError(f"{self.table} row {key} was not loaded for this batch")
        return self.rows[key]

    def apply(self, change: Upsert | Update | Delete | Increment) -> None:
        key = _key_of(change)
        row = self.get(key)
        if isinstance(change, (Upsert, Update)) and not self._key_set.isdisjoint(change.values):
            raise ValueError(f"{type(change).__name__} on {self.table} sets its primary key {key}")
        if isinstance(change, Upsert) and row is None:
            self.rows[key] = change.key | change.values
            self.inserted[key] = None
        elif isinstance(change, Delete) and row is not None:
            self.rows[key] = None
            self.inserted.pop(key, None)
            self.assigned.pop(key, None)
            if key in self.in_database:
                self.deleted[key] = None
        elif isinstance(change, Increment) and row is not None:
            current = row.get(change.column, _default(self.table, change.column))
            self._assign(key, row, {change.column: None if current is None else current + change.by})
        elif isinstance(change, (Upsert, Update)) and row is not None:
            self._assign(key, row, change.values)

    def _assign(self, key: Key, row: Row, values: Mapping[str, Any]) -> None:
        row.update(values)
        if key not in self.inserted:
            self.assigned[key].update(values)

    def writes(self) -> list[Write]:
        """Deletes first (a re-inserted row, a freed unique value), then updates, then inserts."""
        found = [Write("delete", self.table, (), [dict(zip(self.key_columns, k, strict=True)) for k in self.deleted])]
        updates: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for key, columns in self.assigned.items():
            row = self.rows[key]
            if columns and row is not None:
                shape = tuple(sorted(columns))
                updates[shape].append({c: row[c] for c in (*self.key_columns, *shape)})
        found += [Write("update", self.table, shape, rows) for shape, rows in updates.items()]
        found += _inserts(self.table, [self.rows[k] for k in self.inserted])
        return [w for w in found if w.rows]


_UNKNOWN = object()


@cache
def _omitted(table: str, column: str) -> Any:
    """What an INSERT that omits ``column`` stores: its scalar default, NULL if it is
    nullable without a default; ``_UNKNOWN`` for a callable or server default, a key or
    a NOT NULL column without a default (the INSERT would fail)."""
    c = read_models.tables[table].c[column]
    if c.primary_key or c.server_default is not None:
        return _UNKNOWN
    if c.default is None:
        return None if c.nullable else _UNKNOWN
    return c.default.arg if c.default.is_scalar else _UNKNOWN


def _default(table: str, column: str) -> Any:
    value = _omitted(table, column)
    return None if value is _UNKNOWN else value


def _inserts(table: str, rows: Iterable[Row | None]) -> list[Write]:
    """Rows that omit different columns share one statement once the omitted columns
    are given the value omitting them stores (fewer statements, same rows)."""
    found = [row for row in rows if row is not None]
    given = set().union(*found)
    shapes: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in found:
        filled = {c: v for c in given.difference(row) if (v := _omitted(table, c)) is not _UNKNOWN}
        row = row | filled if filled else row
        shapes[tuple(sorted(row))].append(row)
    return [Write("insert", table, shape, rows) for shape, rows in shapes.items()]


class Staging:
    """A batch's rows in memory: ``keys`` are the rows it may touch, by table (see
    ``touched``), ``loaded`` the rows the database holds among them; the others are absent."""

    def __init__(self, keys: Mapping[str, Iterable[Key]], loaded: Mapping[str, Iterable[Row]] | None = None) -> None:
        loaded = loaded or {}
        self.tables = {name: TableRows(name, ks, loaded.get(name, ())) for name, ks in keys.items()}
        self.appended: list[Insert] = []

    def rows(self, table: str) -> TableRows:
        if table not in self.tables:
            raise LookupError(f"no {table} rows were loaded for this batch")
        return self.tables[table]

    def apply_event(self, event: LedgerEvent, position: int, changes: Iterable[Change], key: Key | None = None) -> bool:
        """Apply one event's changes; False if it was a duplicate. The event's group row
        must have been loaded (``group_key``, or ``key`` if the caller has it already)."""
        group = self.rows("groups").get(key or group_key(event))
        projected = None if group is None else group["version"]
        expected = 1 if projected is None else projected + 1
        if event.originator_version < expected:
            check_same_as_applied(event, group, position)
            return False
        if event.originator_version > expected or (projected is None and not isinstance(event, GroupRequested)):
            raise ProjectionError(
                f"event {event.event_id} (group {event.originator_id}, version {event.originator_version}, "
                f"position {position}) arrived before version {expected}: an event is missing"
            )
        check_link(event, group, position)
        self.apply(changes)
        return True

    def apply(self, changes: Iterable[Change]) -> None:
        for change in changes:
            if isinstance(change, Insert):
                self.appended.append(change)
            else:
                self.rows(change.table).apply(change)

    def writes(self) -> list[Write]:
        found = [w for rows in self.tables.values() for w in rows.writes()]
        by_table: dict[str, list[Row]] = defaultdict(list)
        for change in self.appended:
            by_table[change.table].append(change.values)
        return found + [w for table, rows in by_table.items() for w in _inserts(table, rows)]
