"""The ledger's own tables (refusals, relay progress, Merkle leaves, checkpoints, verification
runs, the API's idempotency keys), kept at the newest schema by Alembic (``infra/migrations``).

``upgrade`` migrates; ``ensure_schema`` does so only when needed (one query when up to date),
for the embedded default; ``require_schema`` is for workers started with
``OAR_CREATE_TABLES=false``: they refuse to run on tables an older release made.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DatabaseError

import infra.evidence.tables  # noqa: F401  (registers the tables on infra.db.metadata)
import infra.kafka.relay_state  # noqa: F401
import infra.store.idempotency  # noqa: F401
import infra.store.refusals  # noqa: F401
from infra.migrations import BASELINE, HEAD, VERSION_TABLE

_LOCK_ID = 0x6F61725F6D6967  # "oar_mig": one migrating process at a time on PostgreSQL


class SchemaOutOfDate(Exception):
    """The ledger's tables are older than this release: run `oar-ledger db upgrade`."""


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to ``HEAD``; return (revision before, after). Tables of release 0.1.0, made by
    ``create_all`` before migrations existed, are first recorded as the baseline."""
    try:
        return _upgrade(engine)
    except DatabaseError:
        with engine.connect() as connection:  # another process migrated at the same moment
            if current_revision(connection) != HEAD:
                raise
        return HEAD, HEAD


def _upgrade(engine: Engine) -> tuple[str | None, str]:
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines per step are noise here
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        before = current_revision(connection)
        config = _alembic_config(connection)
        if before is None and inspect(connection).has_table("refused_commands"):
            command.stamp(config, BASELINE)
            before = BASELINE
        if before != HEAD:
            command.upgrade(config, "head")
    return before, HEAD


def ensure_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        if current_revision(connection) == HEAD:
            return
    upgrade(engine)


def require_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        found = current_revision(connection)
    if found != HEAD:
        raise SchemaOutOfDate(
            f"the ledger's tables are at schema {found or 'none'}, this release needs {HEAD}: "
            "run `oar-ledger db upgrade` (or `db init` on a new database) once, then start again"
        )


def _alembic_config(connection: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config
