"""The event store's head position, read with SQLAlchemy alone (no eventsourcing import):
what a read-model answer's freshness is measured against."""

from __future__ import annotations

from sqlalchemy import Engine, column, func, select, table
from sqlalchemy.exc import DBAPIError

EVENTS_TABLES = {"sqlite": ("stored_events", "rowid"), "postgresql": ("oarledger_events", "notification_id")}
"""eventsourcing's table of the application's events and the column numbering its notifications:
SQLite's recorder uses ``stored_events`` and its ``rowid``; PostgreSQL's names the table after the
application (``LedgerApplication.name`` = ``OARLedger``). tests/integration/test_store_head.py checks
both against the recorder."""


def head_position(engine: Engine) -> int:
    """The highest notification id in the store; 0 for an empty store or one not created yet."""
    name, position = EVENTS_TABLES[engine.dialect.name]
    query = select(func.max(column(position))).select_from(table(name))
    try:
        with engine.connect() as connection:
            return connection.execute(query).scalar() or 0
    except DBAPIError:  # no such table yet: nothing recorded
        return 0
