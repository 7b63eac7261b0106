"""Waking a follower (the relay) as soon as events are stored, instead of an idle poll.

- PostgreSQL: a statement trigger on the event table calls ``pg_notify`` (delivered at
  commit, by the server, to every listener, whichever process wrote); the follower
  ``LISTEN``s on a connection of its own (psycopg's ``notifies``).
- SQLite: no server to notify, so the follower reads ``PRAGMA data_version`` every 10 ms
  on a connection of its own: it changes when another connection commits, and reading
  it touches no table (a few microseconds).

Either way ``wait(stop, timeout)`` returns as soon as something was committed, ``stop``
is set, or ``timeout`` passed; a missed wake-up only costs the timeout (the follower
drains on every return, so nothing is ever skipped).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Protocol

import psycopg
from psycopg import sql
from sqlalchemy import Engine, text

SQLITE_POLL_SECONDS = 0.01


class Wakeup(Protocol):
    def wait(self, stop: threading.Event, timeout: float) -> None: ...

    def close(self) -> None: ...


def channel_name(schema: str, table: str) -> str:
    """The notification channel of one event table (at most 63 bytes, PostgreSQL's limit)."""
    return f"oar_stored_{schema}_{table}"[:63]


def install_notify_trigger(engine: Engine, schema: str, table: str) -> None:
    """Create the trigger that notifies ``channel_name`` after inserts, if it is missing.
    Idempotent; serialised with an advisory lock (workers may start together)."""
    channel = channel_name(schema, table)
    function = f'"{schema}"."oar_notify_{table}"'
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": channel})
        connection.execute(text(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_notify('{channel}', ''); RETURN NULL; END $$"
        ))  # fmt: skip
        connection.execute(text(
            f'CREATE OR REPLACE TRIGGER "oar_notify_stored" AFTER INSERT ON "{schema}"."{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        ))  # fmt: skip


class PostgresWakeup:
    """LISTENs on the event table's channel (a connection of its own, opened lazily)."""

    def __init__(self, conninfo: str, channel: str) -> None:
        self.conninfo, self.channel = conninfo, channel
        self._connection: psycopg.Connection | None = None

    def wait(self, stop: threading.Event, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            connection = self._listening()
            while not stop.is_set() and (remaining := deadline - time.monotonic()) > 0:
                for _ in connection.notifies(timeout=min(remaining, 0.25), stop_after=1):
                    return  # slices of 0.25 s: ``stop`` is seen within that
        except psycopg.Error:  # the database went away: fall back to sleeping, reconnect next time
            self.close()
            stop.wait(max(0.0, deadline - time.monotonic()))

    def _listening(self) -> psycopg.Connection:
        if self._connection is None:
            self._connection = psycopg.connect(self.conninfo, autocommit=True)
            self._connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class SQLiteWakeup:
    """Polls ``PRAGMA data_version`` of the ledger file (a connection of its own)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._version: int | None = None

    def _data_version(self) -> int:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path, check_same_thread=False)
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, stop: threading.Event, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if self._version is None:
            self._version = self._data_version()
        while not stop.wait(SQLITE_POLL_SECONDS) and time.monotonic() < deadline:
            version = self._data_version()
            if version != self._version:
                self._version = version
                return

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
