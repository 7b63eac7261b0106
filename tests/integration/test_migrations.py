"""Migrations of the ledger's own tables (Alembic): from an empty database and from the
schema release 0.1.0 made with ``create_all``, on SQLite and PostgreSQL; the migrated schema
equals the tables the code declares; workers refuse tables older than the release."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, insert, select

import infra.migrations
from bootstrap import build_ledger, build_ledger_engine
from infra.db import metadata
from infra.evidence.checkpoint_store import checkpoints
from infra.evidence.leaves import merkle_leaves
from infra.kafka.relay_state import relay_partitions, relay_state
from infra.migrations import BASELINE, HEAD, VERSION_TABLE
from infra.schema import SchemaOutOfDate, current_revision, upgrade
from infra.settings import Settings
from infra.store.refusals import refused_commands

pytestmark = pytest.mark.integration

RELEASE_0_1_0_TABLES = (refused_commands, relay_state, relay_partitions, merkle_leaves, checkpoints)


@pytest.fixture
def engine(settings: Settings):
    made = build_ledger_engine(settings)
    yield made
    made.dispose()


def differences(engine: Engine) -> list:
    """What the database lacks or has differently from the declared ledger tables (tables of
    other owners, e.g. the event store, are not ours to compare)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return [d for d in compare_metadata(context, metadata) if d[0] != "remove_table"]


def test_head_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(infra.migrations.__file__).parent))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_from_an_empty_database_to_the_declared_tables(engine: Engine) -> None:
    assert upgrade(engine) == (None, HEAD)
    assert differences(engine) == []
    assert upgrade(engine) == (HEAD, HEAD)  # idempotent


def test_from_the_previous_release_keeping_every_row(engine: Engine) -> None:
    metadata.create_all(engine, tables=list(RELEASE_0_1_0_TABLES))  # what release 0.1.0 did
    rows = {
        refused_commands: {"at": datetime(2025, 1, 6, tzinfo=UTC), "actor_id": "m-1", "actor_role": "member",
                           "command": "JoinGroup", "group_slug": "g", "rule": "r", "clause": "CERN-AG §8",
                           "message": "no"},
        relay_state: {"topic": "oar.ledger.v1", "cluster_id": "c", "position": 7},
        relay_partitions: {"topic": "oar.ledger.v1", "partition": 0, "last_offset": 6, "last_position": 7},
        merkle_leaves: {"leaf_index": 0, "position": 1, "event_id": "e" * 36, "group_id": "g" * 36, "version": 1,
                        "event_type": "GroupRequested.v1", "event_hash": "a" * 64, "leaf_hash": "b" * 64},
        checkpoints: {"size": 1, "root_hash": "b" * 64, "time": "2025-01-06T00:00:00Z", "note": "n",
                      "published": True},
    }  # fmt: skip
    with engine.begin() as connection:
        for table, row in rows.items():
            connection.execute(insert(table).values(**row))
    with pytest.raises(SchemaOutOfDate, match="run `oar-ledger db upgrade`"):
        build_ledger(_worker_settings(engine))
    assert upgrade(engine) == (BASELINE, HEAD)
    assert differences(engine) == []
    with engine.connect() as connection:
        assert current_revision(connection) == HEAD
        for table, row in rows.items():
            kept = connection.execute(select(*[table.c[k] for k in row])).mappings().one()
            assert dict(kept) == row, table.name
        assert inspect(connection).has_table("verification_runs")


def _worker_settings(engine: Engine) -> Settings:
    """Settings of a worker (OAR_CREATE_TABLES=false) on the database behind ``engine``."""
    url = engine.url
    if url.drivername.startswith("sqlite"):
        return Settings(var_dir=Path(url.database).parent, create_tables=False, _env_file=None)
    with engine.connect() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return Settings(database_url=plain, database_schema=schema, create_tables=False, _env_file=None)
