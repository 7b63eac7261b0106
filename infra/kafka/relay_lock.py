"""One relay per topic at a time: two relays would race on the recorded position.

PostgreSQL: a session advisory lock. SQLite (the embedded default, one machine):
an exclusive lock on a file beside the database.
"""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

from infra.files import private_dir
from infra.settings import Settings


class RelayBusy(Exception):
    """Another relay holds the lock for this topic."""


@contextmanager
def relay_lock(settings: Settings, engine: Engine) -> Iterator[None]:
    if settings.uses_postgres:
        # Advisory locks are per database, and one database may hold several ledgers.
        ledger = f"{settings.database_schema or 'public'}:{settings.ledger_topic}"
        with _advisory_lock(engine, ledger):
            yield
    else:
        with _file_lock(settings):
            yield


@contextmanager
def _advisory_lock(engine: Engine, ledger: str) -> Iterator[None]:
    key = zlib.crc32(f"oar-relay:{ledger}".encode())
    with engine.connect() as connection:
        if not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            raise RelayBusy(f"another relay is publishing the ledger {ledger}")
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            connection.commit()


@contextmanager
def _file_lock(settings: Settings) -> Iterator[None]:
    private_dir(settings.var_dir)
    with open(settings.var_dir / f"relay-{settings.ledger_topic}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RelayBusy(f"another relay is publishing to {settings.ledger_topic}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
