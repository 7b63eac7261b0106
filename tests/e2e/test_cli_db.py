"""`db init` and `db upgrade` through the console command, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from infra.migrations import HEAD

pytestmark = pytest.mark.e2e


def test_db_upgrade_migrates_once_then_reports_up_to_date(cli) -> None:
    assert "migrated from an empty database" in cli.ok("db", "upgrade").stdout
    assert f"schema {HEAD}: already up to date" in cli.ok("db", "upgrade").stdout
    assert f"(schema {HEAD})" in cli.ok("db", "init").stdout


def test_workers_refuse_tables_that_were_never_migrated(cli) -> None:
    worker = type(cli)(env=cli.env | {"OAR_CREATE_TABLES": "false"}, cwd=cli.cwd, database=cli.database)
    done = worker("refusals")
    assert done.returncode == 2 and "run `oar-ledger db upgrade`" in done.stderr
    cli.ok("db", "init")
    assert worker("refusals").returncode == 0
