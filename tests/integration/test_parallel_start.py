"""Any number of processes may start at once on a fresh PostgreSQL schema (issue 15, item 8).

Before, 7 of 80 parallel commands crashed at start with the default settings
(``tuple concurrently updated`` or a ``pg_type`` unique violation while creating tables).
Here 30 processes are forked once everything is imported, wait for the same instant, and
then each runs a real CLI command (a write on the ledger, or a read of the projections):
every table is created by whichever comes first, and all 30 succeed.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bootstrap import build_ledger
from entrypoints.cli.main import run
from infra.settings import Settings

POSTGRES_URL = os.environ.get("OAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

pytestmark = pytest.mark.integration

PROCESSES = 30


def _start(at: float, args: list[str], env: dict[str, str], log: str) -> None:
    """In a forked child: wait for the common start, run ``oar-ledger ARGS``, exit with its
    code (a traceback is written to ``log``)."""
    for name in [k for k in os.environ if k.startswith(("OAR_", "KAFKA_"))]:
        del os.environ[name]  # nothing of the developer's own settings
    os.environ.update(env)
    time.sleep(max(0.0, at - time.time()))
    code: int | str | None = 0
    try:
        run(args)
    except SystemExit as done:
        code = done.code
    except BaseException:  # noqa: BLE001 - what the test reports
        Path(log).write_text(traceback.format_exc())
        code = 1
    os._exit(code if isinstance(code, int) else 1)


def test_thirty_processes_start_at_once_on_a_fresh_postgres_schema(tmp_path):
    schema = f"oar_par_{uuid.uuid4().hex[:12]}"
    env = {"OAR_DATABASE_URL": POSTGRES_URL, "OAR_DATABASE_SCHEMA": schema, "OAR_VAR_DIR": str(tmp_path / "var")}
    fork = multiprocessing.get_context("fork")
    at = time.time() + 2.0
    children = []
    for n in range(PROCESSES):
        args = (["groups", "--allow-stale"] if n % 3 == 2 else  # writers run at once: the read models lag
                ["group", "request", f"par-{n:02d}", "--name", f"Parallel {n}", "--type", "scientific-collaboration",
                 "--managed-by", "alumni", "--visibility", "public", "--objectives", "Exchange among alumni.",
                 "--manager", "m-1", "--manager", "m-2", "--actor", "m-1", "--role", "member"])  # fmt: skip
        child = fork.Process(target=_start, args=(at, args, env, str(tmp_path / f"p{n:02d}.log")))
        child.start()
        children.append(child)
    try:
        for child in children:
            child.join(120)
        logs = [tmp_path / f"p{n:02d}.log" for n in range(PROCESSES)]
        failed = {n: (c.exitcode, logs[n].read_text()[-600:] if logs[n].exists() else "")
                  for n, c in enumerate(children) if c.exitcode != 0}  # fmt: skip
        assert not failed, failed
        ledger = build_ledger(Settings(database_url=POSTGRES_URL, database_schema=schema, create_tables=False,
                                       _env_file=None))  # fmt: skip
        try:
            writers = [n for n in range(PROCESSES) if n % 3 != 2]
            assert ledger.app.recorder.max_notification_id() == len(writers)  # one GroupRequested each
            assert sorted(ledger.app.group_slugs()) == [f"par-{n:02d}" for n in writers]
        finally:
            ledger.close()
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
