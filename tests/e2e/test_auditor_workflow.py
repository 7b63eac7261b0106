"""An auditor's workflow through the real ``oar-ledger`` console script (SQLite var dir
in tmp, the development broker via KAFKA_BOOTSTRAP_SERVERS, a topic of its own):
commands, `relay --once`, `project --once`, `groups`, the paged `audit`, the three
export formats, `replay --into` a copy, and `projections compare` (0 equal, 7 altered)."""

from __future__ import annotations

import csv
import dataclasses
import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.kafka.dev_broker import DevBroker
from projections.queries import AUDIT_COLUMNS

pytestmark = pytest.mark.e2e

OAR = ("--actor", "oar-1", "--role", "oar")
FANS_ACTIONS = ["GroupRequested", "GroupApproved", "MemberJoined", "MemberJoined", "MemberJoined", "MemberJoined",
                "MemberLeft"]  # fmt: skip


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevBroker]:
    """The development broker for this module (memory only; a topic of its own per test)."""
    with DevBroker(log_path=tmp_path_factory.mktemp("auditor-broker") / "tansu.log") as running:
        yield running


def as_member(person: str) -> tuple[str, ...]:
    return ("--actor", person, "--role", "member")


def request_group(cli, slug: str) -> None:
    cli.ok("group", "request", slug, "--name", slug.title(), "--type", "regional", "--managed-by", "alumni",
           "--visibility", "public", "--objectives", "Alumni who meet in the tests", "--manager", "m-1",
           "--manager", "m-2", *as_member("m-1"))  # fmt: skip
    cli.ok("group", "approve", slug, "--reason", "objectives are clear", *OAR)


def test_auditor_workflow(sqlite_cli, broker, tmp_path: Path):
    topic = f"test.auditor.{uuid.uuid4().hex}"
    cli = dataclasses.replace(sqlite_cli, env=sqlite_cli.env | {
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers, "OAR_LEDGER_TOPIC": topic,
        "OAR_CHECKPOINT_TOPIC": f"{topic}.checkpoints"})  # fmt: skip
    projections = f"sqlite:///{tmp_path / 'var' / 'projections.sqlite'}"
    copy_path = tmp_path / "copy.sqlite"

    # commands: "fans" gets seven events, "quiet" two
    request_group(cli, "fans")
    for person in ("a-1", "a-2", "a-3", "a-4"):
        cli.ok("member", "join", "fans", *as_member(person))
    cli.ok("member", "leave", "fans", *as_member("a-4"))
    request_group(cli, "quiet")

    assert "created" in cli.ok("kafka", "init").stdout
    assert "published 9 event(s)" in cli.ok("relay", "--once").stdout
    assert "applied 9 event(s)" in cli.ok("project", "--once").stdout

    groups = {g["slug"]: g for g in cli.json("groups", "--json")}
    assert set(groups) == {"fans", "quiet"}
    assert (groups["fans"]["status"], groups["fans"]["member_count"], groups["fans"]["managers"]) == (
        "active", 3, ["m-1", "m-2"])
    assert (groups["quiet"]["version"], groups["quiet"]["member_count"]) == (2, 0)

    # the paged trail of one group: page 2 continues page 1, the total counts the group only
    first = cli.json("audit", "fans", "--page-size", "4", "--json")
    second = cli.json("audit", "fans", "--page", "2", "--page-size", "4", "--json")
    assert (first["total"], second["total"], first["page"], second["page"]) == (7, 7, 1, 2)
    assert (len(first["rows"]), len(second["rows"])) == (4, 3)
    positions = [r["position"] for r in first["rows"] + second["rows"]]
    assert positions == sorted(positions) and len(set(positions)) == 7
    assert [r["action"] for r in first["rows"] + second["rows"]] == FANS_ACTIONS
    assert {r["group"] for r in first["rows"] + second["rows"]} == {"fans"}
    for row in first["rows"] + second["rows"]:
        assert row["clause"].startswith("CERN-AG §") and row["actor_id"] and row["actor_role"] and row["time"]

    # exports of the whole trail, parsed back
    for fmt in ("csv", "json", "jsonl"):
        out = tmp_path / f"trail.{fmt}"
        assert f"exported 9 audit row(s) to {out} ({fmt})" in cli.ok(
            "audit", "export", "--format", fmt, "--out", str(out)).stdout
    with open(tmp_path / "trail.csv", newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        from_csv = list(reader)
    assert reader.fieldnames == [*AUDIT_COLUMNS, "details"]
    from_json = json.loads((tmp_path / "trail.json").read_text(encoding="utf-8"))
    from_jsonl = [json.loads(line) for line in (tmp_path / "trail.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(from_csv) == len(from_json) == len(from_jsonl) == 9
    assert from_json == from_jsonl
    # typed at the console: the trail says so, and names the pack version that governed each row
    assert {(r["actor_auth_method"], r["actor_auth_issuer"], r["policy_pack"]) for r in from_json} == {
        ("local-cli", None, "cern")}
    assert {r["policy_version"] for r in from_json} == {"1"}  # the published CERN text only
    assert [int(r["position"]) for r in from_csv] == [r["position"] for r in from_json] == list(range(1, 10))
    assert [r["event_id"] for r in from_csv] == [r["event_id"] for r in from_json]
    assert [json.loads(r["details"]) for r in from_csv] == [r["details"] for r in from_json]
    assert [r for r in from_json if r["group"] == "fans"] == first["rows"] + second["rows"]
    quiet = tmp_path / "quiet.jsonl"
    cli.ok("audit", "export", "--format", "jsonl", "--group", "quiet", "--out", str(quiet))
    assert [json.loads(line)["action"] for line in quiet.read_text().splitlines()] == ["GroupRequested", "GroupApproved"]

    # a replay into a fresh database holds the same state; an altered copy does not
    assert "replayed 9 event(s)" in cli.ok("replay", "--into", f"sqlite:///{copy_path}").stdout
    assert cli("projections", "compare", projections, f"sqlite:///{copy_path}").returncode == 0
    with sqlite3.connect(copy_path) as connection:
        connection.execute("UPDATE audit_trail SET actor_id = 'someone-else' WHERE position = 3")
    altered = cli("projections", "compare", projections, f"sqlite:///{copy_path}")
    assert altered.returncode == 7, altered.stdout + altered.stderr
    assert "audit_trail (3,)" in altered.stderr and "actor_id" in altered.stderr
    assert "the projections differ (1 difference(s) shown)" in altered.stderr
