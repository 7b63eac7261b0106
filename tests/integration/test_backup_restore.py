"""Backup and recovery as the README's production section describes it, on SQLite and
PostgreSQL: back up the event store and the signing key, restore both onto a new database,
rebuild the topic (a new one here) and the read models from them, and `verify` passes."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaAdminClient
from sqlalchemy import create_engine, text

from infra.settings import Settings
from test_relay_support import (
    cli_env, create_topics, oar_ledger_command, on_topic, open_ledger, play_demo_year, run_cli, stored_count,
)  # fmt: skip

pytestmark = pytest.mark.integration


@pytest.fixture
def fresh_database(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A new, empty ledger database of the same kind as ``settings``."""
    if not settings.uses_postgres:
        yield Settings(var_dir=tmp_path / "restored" / "var", _env_file=None)
        return
    name = f"oar_restore_{uuid.uuid4().hex[:10]}"
    server = create_engine(
        settings.database_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = settings.database_url.rsplit("/", 1)[0] + f"/{name}"
    yield Settings(database_url=url, database_schema=settings.database_schema, var_dir=tmp_path / "restored" / "var",
                   _env_file=None)  # fmt: skip
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_backup_restore_rebuild_and_verify(settings: Settings, fresh_database: Settings, clock, dev_broker,
                                           unique_topic: str, tmp_path: Path) -> None:  # fmt: skip
    bootstrap = dev_broker.bootstrap_servers
    original = on_topic(settings, unique_topic, tmp_path / "original" / "var").model_copy(
        update={"checkpoint_topic": f"{unique_topic}.cp"}
    )
    if not original.uses_postgres:
        original = original.model_copy(update={"var_dir": tmp_path / "original" / "var"})
    create_topics(original, bootstrap)
    with open_ledger(original, clock) as ledger:
        play_demo_year(ledger, clock, "bak")
        stored = stored_count(ledger)
    for step in (["keys", "init"], ["relay", "--once"], ["checkpoint"]):
        done = run_cli(step, original, bootstrap, tmp_path)
        assert done.returncode == 0, (step, done.stdout, done.stderr)

    backup_file = tmp_path / "backups" / "ledger.backup"
    done = run_cli(["db", "backup", "--out", str(backup_file)], original, bootstrap, tmp_path)
    assert done.returncode == 0 and backup_file.stat().st_size > 0, done.stderr
    assert run_cli(["db", "backup", "--out", str(backup_file)], original, bootstrap, tmp_path).returncode == 2
    key_copy = tmp_path / "backups" / "ledger-signing.key"
    shutil.copy2(original.var_dir / "keys" / "ledger-signing.key", key_copy)

    restored = fresh_database.model_copy(update={"ledger_topic": unique_topic, "checkpoint_topic": f"{unique_topic}.cp"})
    done = run_cli(["db", "restore", str(backup_file)], restored, bootstrap, tmp_path)
    assert done.returncode == 0, done.stderr
    assert run_cli(["db", "restore", str(backup_file)], restored, bootstrap, tmp_path).returncode == 2  # not empty
    (restored.var_dir / "keys").mkdir(parents=True, exist_ok=True)
    shutil.copy2(key_copy, restored.var_dir / "keys" / "ledger-signing.key")

    _broker_loses(bootstrap, [restored.ledger_topic, restored.checkpoint_topic])
    projections = f"sqlite:///{tmp_path / 'restored' / 'read-models.sqlite'}"
    env = {"OAR_PROJECTION_DATABASE_URL": projections}
    for step in (["db", "upgrade"], ["kafka", "init"], ["relay", "--republish", "--once"], ["replay", "--into", projections]):
        done = _cli(step, restored, bootstrap, tmp_path, env)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    assert f"replayed {stored} event(s)" in done.stdout
    verified = _cli(["verify", "--json"], restored, bootstrap, tmp_path, env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    report = json.loads(verified.stdout)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert report["ok"] is True and statuses.pop("witnesses") == "skipped", report  # none configured here
    assert set(statuses.values()) == {"ok"}, report


def _broker_loses(bootstrap: str, topics: list[str]) -> None:
    """The broker lost the ledger's topics (as a cluster rebuilt from nothing would)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.delete_topics(topics)
    finally:
        admin.close()


def _cli(args: list[str], settings: Settings, bootstrap: str, cwd: Path, extra: dict[str, str]):
    return subprocess.run(oar_ledger_command() + args, env=cli_env(settings, bootstrap) | extra, cwd=cwd,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip
