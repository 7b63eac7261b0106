"""Migrations of the ledger's own tables (Alembic): from an empty database, from the schema
release 0.1.0 made with ``create_all``, from the previous revision and from a pre-migration
database whose API had already made its idempotency table, on SQLite and PostgreSQL; the
migrated schema equals the tables the code declares; workers refuse tables older than the
release."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
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
from infra.kafka.relay_state import RelayStateStore, relay_partitions, relay_refusals, relay_state
from infra.migrations import BASELINE, HEAD, VERSION_TABLE
from infra.migrations.schema import SchemaOutOfDate, current_revision, upgrade
from infra.settings import Settings
from infra.evidence.verify_runs import verification_runs
from infra.store.idempotency import idempotency_keys
from infra.store.refusal_chain import chain_links, refusal_hash
from infra.store.refusals import Refusal, refused_commands
from domain.canonical import GENESIS_HASH

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


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(infra.migrations.__file__).parent))
    return config


def test_head_is_alembics_head() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


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
        assert inspect(connection).has_table("idempotency_keys")
        links = chain_links(connection)  # the refusals logged before the chain are sealed at the upgrade
        assert [(link.sequence, link.refusal_id, link.previous_hash) for link in links] == [(1, 1, GENESIS_HASH)]
        assert links[0].refusal_hash == refusal_hash(1, GENESIS_HASH, Refusal(**rows[refused_commands]))


KEY_ROW = {"subject": "oar-1", "key": "k-1", "fingerprint": "f" * 64, "created_at": datetime(2026, 11, 2, tzinfo=UTC),
           "status": 201, "headers": "{}", "body": "{}"}  # fmt: skip


def test_from_the_previous_revision_adds_the_idempotency_table(engine: Engine) -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    run = {"finished_at": datetime(2026, 11, 1, tzinfo=UTC), "duration_seconds": 1.5, "ok": True, "events": 9}
    with engine.begin() as connection:
        connection.execute(insert(verification_runs).values(**run))
        assert not inspect(connection).has_table("idempotency_keys")
    with pytest.raises(SchemaOutOfDate, match="schema 0002"):
        build_ledger(_worker_settings(engine))
    assert upgrade(engine) == ("0002", HEAD)
    assert differences(engine) == []
    with engine.begin() as connection:
        assert dict(connection.execute(select(*[verification_runs.c[k] for k in run])).mappings().one()) == run
        connection.execute(insert(idempotency_keys).values(**KEY_ROW))  # the table works as the API uses it
        assert connection.execute(select(idempotency_keys.c.key)).scalar() == "k-1"


def test_from_0005_the_relay_refusals_are_kept_unresolved(engine: Engine) -> None:
    """0006 adds ``resolved_at``: refusals recorded by the release that skipped them stay
    unresolved (``verify`` reports them until ``relay --republish`` publishes them)."""
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(insert(relay_refusals)
                           .values(topic="oar.ledger.v1", position=5, group_id="g", error="MessageSizeTooLargeError",
                                   refused_at=datetime(2026, 12, 1, tzinfo=UTC)))  # fmt: skip
    assert upgrade(engine) == ("0005", HEAD)
    assert differences(engine) == []
    state = RelayStateStore(engine, "oar.ledger.v1")
    [refusal] = state.refusals(unresolved=True)
    assert (refusal.position, refusal.group_id, refusal.resolved_at) == (5, "g", None)
    state.resolve_refusal(5)
    assert state.refusals(unresolved=True) == [] and state.refusals()[0].resolved_at is not None


def test_a_pre_migration_database_keeps_the_idempotency_keys_it_has(engine: Engine) -> None:
    """Main before migrations: ``create_all`` made the 0.1.0 tables and the API's idempotency
    table, with no version table. Recorded as the baseline, then migrated; the keys survive."""
    metadata.create_all(engine, tables=[*RELEASE_0_1_0_TABLES, idempotency_keys])
    with engine.begin() as connection:
        connection.execute(insert(idempotency_keys).values(**KEY_ROW))
    assert upgrade(engine) == (BASELINE, HEAD)
    assert differences(engine) == []
    with engine.connect() as connection:
        kept = connection.execute(select(*[idempotency_keys.c[k] for k in KEY_ROW])).mappings().one()
        assert dict(kept) == KEY_ROW


def _worker_settings(engine: Engine) -> Settings:
    """Settings of a worker (OAR_CREATE_TABLES=false) on the database behind ``engine``."""
    url = engine.url
    if url.drivername.startswith("sqlite"):
        return Settings(var_dir=Path(url.database).parent, create_tables=False, _env_file=None)
    with engine.connect() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return Settings(database_url=plain, database_schema=schema, create_tables=False, _env_file=None)
