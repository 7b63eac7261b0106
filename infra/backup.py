"""Backup and restore of the ledger database — the event store and the ledger's own tables
(refusals, relay progress, Merkle leaves, checkpoints, verification runs, idempotency keys) — with each
database's own tools: SQLite's online backup API (consistent while writers run) and
PostgreSQL's ``pg_dump`` / ``pg_restore`` (custom format). Read models are not backed up:
they are rebuilt from the topic (``replay``). The signing key is backed up separately.

The password reaches ``pg_dump`` through its environment (``PGPASSWORD``), never its
command line, which other users of the machine can read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from infra.settings import Settings


class BackupError(Exception):
    """A backup or restore could not be done (the message says why; nothing was changed)."""


def backup(settings: Settings, target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} exists: choose a new file (a backup never overwrites)")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not settings.uses_postgres:
        if not settings.sqlite_path.is_file():
            raise BackupError(f"no ledger at {settings.sqlite_path}")
        _sqlite_copy(settings.sqlite_path, target)
        return
    schema = ["--schema", settings.database_schema] if settings.database_schema else []
    _run(settings, ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *schema])


def restore(settings: Settings, source: Path, engine) -> None:
    """Restore ``source`` into the configured database, which must hold no ledger yet."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    with engine.connect() as connection:
        if inspect(connection).get_table_names():
            raise BackupError("the target database already holds tables: restore into a new, empty one")
    if not settings.uses_postgres:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, settings.sqlite_path)
        return
    if settings.database_schema:  # the dump creates its schema; an empty one made on connecting is in the way
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{settings.database_schema}"')
    _run(settings, ["pg_restore", "--no-owner", "--exit-on-error", str(source)])


def _sqlite_copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _run(settings: Settings, command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools, same major version as the server)")
    url = make_url(settings.database_url)
    env = dict(os.environ)
    password = settings.database_password
    if password is not None or url.password:
        env["PGPASSWORD"] = password.get_secret_value() if password is not None else url.password
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run([*command, f"--dbname={address}"], env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")
