"""Many rows through one statement: SQLAlchemy's SQL and bound values, without its per-row work.

``connection.execute(statement, rows)`` builds, for every row, a parameter dict and runs each
value through its type's bind processor in Python; for a replay that was most of the time of
the writes. Here a statement is compiled once per dialect and shape (by SQLAlchemy: the same
SQL text, casts included), the processors are looked up once (the column's own, as SQLAlchemy
applies them), the Python-side column defaults it would add are added, and the rows go to the
driver as positional tuples with ``exec_driver_sql``:

* SQLite: one ``executemany`` (sqlite3 loops in C);
* PostgreSQL: an INSERT is sent with ``COPY ... FROM STDIN`` (psycopg writes the rows in
  C, the same text each value is bound as), not one pipelined statement per row; UPDATE and
  DELETE keep one statement per row (``executemany``). (A multi-row ``VALUES`` and arrays
  per column (``unnest``) were slower: psycopg parses long queries and dumps lists in Python.)
  A driver error is raised as SQLAlchemy's (``IntegrityError`` for a duplicate key), as
  ``execute`` raises it.

A statement this does not cover (a default that is not a scalar or a plain callable) is
executed by SQLAlchemy as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

Row = dict[str, Any]

_PYFORMAT = re.compile(r"%\(([^)]+)\)s")


@dataclass(frozen=True)
class Prepared:
    """One compiled statement, ready for rows given as dicts keyed by bind name."""

    sql: str  # positional placeholders
    copy: bool  # PostgreSQL INSERT: ``sql`` is a COPY
    names: tuple[str, ...]  # bind names in placeholder order
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, bind processor)
    defaults: tuple[tuple[str, Any], ...]  # (name, ColumnDefault) SQLAlchemy would add per row

    def parameters(self, rows: Sequence[Row]) -> list[Any]:
        """Each row as the list of values the driver gets (processed as SQLAlchemy would)."""
        if self.defaults:
            rows = [row | {name: _default_value(d) for name, d in self.defaults} for row in rows]
        get = itemgetter(*self.names)
        found = [list(get(row)) for row in rows] if len(self.names) > 1 else [[get(row)] for row in rows]
        for position, process in self.processors:
            for values in found:
                values[position] = process(values[position])
        return found


def execute_many(connection: Connection, statement: ClauseElement, rows: Sequence[Row],
                 column_keys: Sequence[str] | None = None) -> None:  # fmt: skip
    """``connection.execute(statement, rows)``, faster; ``column_keys`` for an INSERT: the
    keys of the rows (all rows have the same)."""
    prepared = _prepare(connection.dialect, statement, tuple(column_keys or ()))
    if prepared is None:
        connection.execute(statement, list(rows))
    elif prepared.copy:
        _copy(connection, prepared.sql, prepared.parameters(rows))
    else:
        connection.exec_driver_sql(prepared.sql, [tuple(v) for v in prepared.parameters(rows)])


@lru_cache(maxsize=512)
def _prepare(dialect: Dialect, statement: ClauseElement, column_keys: tuple[str, ...]) -> Prepared | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) or None)
    defaults = []
    for column in getattr(compiled, "insert_prefetch", None) or ():
        default = column.default
        if default is None or not (default.is_scalar or default.is_callable):
            return None
        defaults.append((column.key, default))  # an INSERT's bind is named by its column
    if dialect.paramstyle == "qmark":
        sql, names = compiled.string, tuple(compiled.positiontup or ())
    elif dialect.paramstyle == "pyformat":
        names = tuple(_PYFORMAT.findall(compiled.string))
        sql = _PYFORMAT.sub("%s", compiled.string)
    else:
        return None
    processors = tuple(
        (i, process) for i, name in enumerate(names)
        if (process := compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )  # fmt: skip
    copy = compiled.isinsert and dialect.name == "postgresql"
    if copy:  # INSERT INTO t (a, b) VALUES (...) -> COPY t (a, b) FROM STDIN
        head, found, _ = sql.partition(" VALUES ")
        if not found or not head.startswith("INSERT INTO "):
            return None
        sql = f"COPY {head.removeprefix('INSERT INTO ')} FROM STDIN"
    return Prepared(sql, copy, names, processors, tuple(defaults))


def _copy(connection: Connection, sql: str, parameters: list[list[Any]]) -> None:
    dbapi = connection.dialect.loaded_dbapi
    try:
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for values in parameters:
                copy.write_row(values)
    except dbapi.Error as error:
        raise DBAPIError.instance(sql, None, error, dbapi.Error) from error


def _default_value(default: Any) -> Any:
    return default.arg(None) if default.is_callable else default.arg
