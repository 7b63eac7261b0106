"""SQLAlchemy engines for the project's own tables (refusals, relay position,
checkpoints, read models), on the same database as the event store."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from infra.redaction import redact_url, remember_url

metadata = MetaData()
"""Tables of the ledger database that are not the event store's own."""

SUPPORTED_DRIVERS = frozenset({"sqlite", "postgresql", "postgres", "postgresql+psycopg"})


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used: malformed, or of an unsupported kind."""


def parse_database_url(url: str, source: str = "database URL") -> URL:
    """The parsed URL, or DatabaseUrlError naming ``source`` (e.g. OAR_DATABASE_URL) and
    the URL with its password hidden."""
    remember_url(url)
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a malformed port fails here or in make_url
    except (ArgumentError, ValueError) as problem:
        raise DatabaseUrlError(f"invalid {source} {redact_url(url)!r}: {problem}") from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"invalid {source} {redact_url(url)!r}: unsupported database {parsed.drivername!r} "
            "(use sqlite:///PATH or postgresql://USER@HOST:PORT/DB)"
        )
    return parsed


def sqlalchemy_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common ``postgresql://`` form."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, schema: str | None = None, source: str = "database URL") -> Engine:
    """An engine whose connections see ``schema`` first (PostgreSQL) or wait for locks (SQLite)."""
    parse_database_url(url, source)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(sqlalchemy_url(url), connect_args=options, pool_pre_ping=True)
    if schema:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return engine


DDL_LOCK_KEY = zlib.crc32(b"oar-ledger:create-tables")
DDL_LOCK_TIMEOUT = "120s"


@contextmanager
def table_creation_lock(url: str, source: str = "database URL") -> Iterator[None]:
    """Serialise table creation between processes: on PostgreSQL a session advisory lock,
    one per database (catalogs such as ``pg_type`` are shared by its schemas), waited for
    at most ``DDL_LOCK_TIMEOUT``. Without it, processes starting at once on a fresh
    database fail with ``tuple concurrently updated`` or a ``pg_type`` unique violation.
    SQLite serialises writers itself (busy timeout)."""
    parse_database_url(url, source)
    if url.startswith("sqlite"):
        yield
        return
    engine = create_engine(sqlalchemy_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(f"SET lock_timeout = '{DDL_LOCK_TIMEOUT}'"))
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": DDL_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": DDL_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def missing_columns(engine: Engine, tables: MetaData) -> list[str]:
    """``table.column`` for every declared column that the database's table lacks (tables made
    by an older release; ``create_all`` adds tables, never columns)."""
    found = inspect(engine)
    missing = []
    for table in tables.sorted_tables:
        if not found.has_table(table.name):
            continue
        present = {column["name"] for column in found.get_columns(table.name)}
        missing += [f"{table.name}.{column.name}" for column in table.columns if column.name not in present]
    return missing
