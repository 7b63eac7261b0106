"""SQLAlchemy engines for the project's own tables (refusals, relay position,
checkpoints, read models), on the same database as the event store."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url

metadata = MetaData()
"""Tables of the ledger database that are not the event store's own."""


def sqlalchemy_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common ``postgresql://`` form."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, schema: str | None = None) -> Engine:
    """An engine whose connections see ``schema`` first (PostgreSQL) or wait for locks (SQLite)."""
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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
