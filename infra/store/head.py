"""The event store's head position, read with SQLAlchemy alone (no eventsourcing import):
what a read-model answer's freshness is measured against."""

from __future__ import annotations

from sqlalchemy import Engine, column, func, select, table
from sqlalchemy.exc import DBAPIError

EVENTS_TABLE = "stored_events"
"""eventsourcing's table for the application's events (its default name, on both databases)."""


def head_position(engine: Engine, events_table: str = EVENTS_TABLE) -> int:
    """The highest notification id in the store; 0 for an empty store or one not created yet."""
    query = select(func.max(column("notification_id"))).select_from(table(events_table))
    try:
        with engine.connect() as connection:
            return connection.execute(query).scalar() or 0
    except DBAPIError:  # no such table yet: nothing recorded
        return 0
