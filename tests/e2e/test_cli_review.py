"""`compliance` and `groups` through the real command (issue 12): an answer from read models
that lag the store is never shown as clean; on a date the answer comes from the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.e2e

REQUEST = ("--name", "Quiet Alumni", "--type", "regional", "--managed-by", "alumni", "--visibility", "public",
           "--objectives", "Alumni meeting in the tests", "--manager", "m-1", "--manager", "m-2",
           "--actor", "m-1", "--role", "member")  # fmt: skip


def test_unprojected_read_models_are_not_clean(cli):
    cli.ok("group", "request", "quiet", *REQUEST)
    cli.ok("group", "approve", "quiet", "--reason", "objectives are clear", "--actor", "oar-1", "--role", "oar")

    stale = cli("compliance", "--json")  # nothing projected: not `[]` with exit 0
    assert stale.returncode == 7, stale.stdout + stale.stderr
    answer = json.loads(stale.stdout)
    assert (answer["fresh"], answer["source"], answer["freshness"]["projected_position"]) == (False, "read models", 0)
    assert answer["freshness"]["store_position"] >= 2 and "read models are empty" in stale.stderr
    table = cli("compliance")
    assert table.returncode == 7 and "no flags" not in table.stdout

    groups = cli("groups", "--json")
    assert groups.returncode == 7 and "run `oar-ledger project --once`" in groups.stderr
    allowed = cli("groups", "--json", "--allow-stale")
    assert allowed.returncode == 0 and json.loads(allowed.stdout) == [] and "warning" in allowed.stderr

    today = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    on_date = cli.json("compliance", "--on", today, "--json")  # as of a date: rebuilt from the store
    assert (on_date["source"], on_date["fresh"]) == ("event store", True)
    assert [g["slug"] for g in cli.json("groups", "--as-of", today, "--json")] == ["quiet"]
    assert cli.json("groups", "--as-of", "2001-01-01", "--json") == []
    before = cli.json("compliance", "--on", "2001-01-01", "--json")
    assert before["flags"] == [] and before["fresh"] is True


def test_bad_dates_name_the_option(sqlite_cli):
    bad = sqlite_cli("groups", "--as-of", "yesterday\x1b[31m")
    assert bad.returncode == 2 and "invalid --as-of" in bad.stderr and "\x1b" not in bad.stderr
    bad = sqlite_cli("compliance", "--on", "2025-13-01")
    assert bad.returncode == 2 and "invalid --on" in bad.stderr
