"""Stored text is data, never markup or terminal control (issue 15, reproduction 3),
through the real ``oar-ledger`` command: Rich markup typed into every free-text field is
shown literally by every table view, and escape sequences that reached the stores (by an
older version, or by tampering) are shown as visible escapes, never written raw."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from infra.kafka.dev_broker import DevBroker

pytestmark = pytest.mark.e2e

G = "hostile"
OAR = ("--actor", "oar-1", "--role", "oar")
M1 = ("--actor", "m-1", "--role", "manager")
POSTGRES_URL = os.environ.get("OAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
LATER = (datetime.now(UTC) + timedelta(days=60)).replace(microsecond=0).isoformat()
TODAY = datetime.now(UTC).date().isoformat()


def marked(field: str) -> str:
    """Text that Rich would read as markup: an unopened closing tag, a link, a colour."""
    return f"[/bold]{field}[link=http://evil]x[/link][red]"


FIELDS = ("name", "objectives", "criterion", "approval", "decision", "platform", "report", "title",
          "connection", "sponsor", "sponsoring")  # fmt: skip
SHOWN_BY = {
    ("show", G): ["name", "objectives", "criterion", "title", "platform"],
    ("history", G): ["approval", "decision", "report", "sponsoring"],
    ("groups",): ["name"],
    ("compliance", "--on", TODAY): ["platform"],
    ("audit", G): ["approval", "decision", "report", "sponsoring"],
    ("sponsorships",): ["sponsor"],
    ("pending",): [],
    ("refusals",): [],
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_sqlite_cli) -> Iterator:
    """A group whose every free-text field holds markup, published and projected."""
    root = tmp_path_factory.mktemp("hostile-text")
    with DevBroker(log_path=root / "tansu.log") as broker:
        cli = new_sqlite_cli(root)
        topic = f"test.hostile.{uuid.uuid4().hex}"
        cli = dataclasses.replace(cli, env=cli.env | {
            "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers, "OAR_LEDGER_TOPIC": topic,
            "OAR_CHECKPOINT_TOPIC": f"{topic}.checkpoints", "COLUMNS": "600"})  # fmt: skip
        cli.ok("group", "request", G, "--name", marked("name"), "--type", "other", "--managed-by", "alumni",
               "--visibility", "private", "--objectives", f"Connect the alumni {marked('objectives')}",
               "--criterion", marked("criterion"), "--manager", "m-1", "--manager", "m-2",
               "--actor", "m-1", "--role", "member")  # fmt: skip
        cli.ok("group", "approve", G, "--reason", marked("approval"), *OAR)
        cli.ok("member", "request", G, "--actor", "a-1", "--role", "member")
        cli.ok("member", "request", G, "--actor", "a-2", "--role", "member")
        cli.ok("member", "approve", G, "a-2", "--criterion", marked("criterion"), "--reason", marked("decision"), *M1)
        cli.ok("group", "report-social-media", G, "--platform", marked("platform"), "--reason", marked("report"), *OAR)
        cli.ok("event", "propose", G, "gala", "--title", marked("title"), "--starts-at", LATER, "--purpose",
               "community-building", "--connection", f"the alumni meet {marked('connection')}", *M1)  # fmt: skip
        cli.ok("event", "approve", G, "gala", "--reason", "relevant", *OAR)
        cli.ok("sponsorship", "request", G, "gala", "acme", "--sponsor", marked("sponsor"), "--sector", "other",
               "--not-bidding", "--reason", marked("sponsoring"), *M1)  # fmt: skip
        assert cli("manager", "appoint", G, "m-3", "--actor", "a-1", "--role", "manager").returncode == 3
        cli.ok("kafka", "init")
        cli.ok("relay", "--once")
        cli.ok("project", "--once")
        yield cli, root


@pytest.mark.parametrize("view", list(SHOWN_BY), ids=lambda v: v[0])
def test_markup_in_every_text_field_is_shown_literally_by_every_view(world, view: tuple[str, ...]) -> None:
    cli, _ = world
    done = cli.ok(*view)
    assert "\x1b" not in done.stdout + done.stderr
    for field in SHOWN_BY[view]:
        assert marked(field) in done.stdout, f"{view} does not show {field!r} literally:\n{done.stdout}"


def test_every_text_field_is_covered_by_some_view() -> None:
    assert {f for fields in SHOWN_BY.values() for f in fields} | {"connection"} == set(FIELDS)


def test_json_output_keeps_the_text_exactly(world) -> None:
    cli, _ = world
    history = cli.history(G)
    assert history[0]["details"]["name"] == marked("name")
    assert history[0]["details"]["objectives"] == f"Connect the alumni {marked('objectives')}"
    proposal = next(row for row in history if row["action"] == "GatheringProposed")
    assert proposal["details"]["connection"] == f"the alumni meet {marked('connection')}"


ESCAPES = "\x1b[31m\x1b]8;;http://evil\x07\x9b2J\u202e"
SHOWN_ESCAPED = "\\x1b[31m\\x1b]8;;http://evil\\x07\\x9b2J\\u202e"


def test_escape_sequences_that_reached_the_stores_are_never_written_raw(world) -> None:
    """Tampers with both stores (later tests of this module read only the topic)."""
    cli, root = world
    with sqlite3.connect(root / "var" / "ledger.sqlite") as ledger:
        raw = ESCAPES.encode("unicode_escape").decode().replace("\\x", "\\u00")  # JSON escapes
        for field in ("name", "approval"):
            ledger.execute("UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), ?, ?) AS BLOB)",
                           (f"[/bold]{field}", f"[/bold]{field}{raw}"))  # fmt: skip
    with sqlite3.connect(root / "var" / "projections.sqlite") as projections:
        projections.execute("UPDATE groups SET name = name || ?", (ESCAPES,))
        projections.execute("UPDATE audit_trail SET reason = reason || ? WHERE reason IS NOT NULL", (ESCAPES,))
        projections.execute("UPDATE sponsorships SET sponsor = sponsor || ?", (ESCAPES,))
    for view in (("show", G), ("history", G), ("groups",), ("audit", G), ("sponsorships",)):
        done = cli.ok(*view)
        assert not any(c in done.stdout for c in "\x1b\x07\x9b\u202e"), f"{view} wrote a raw escape"
        assert SHOWN_ESCAPED in done.stdout, f"{view} hides the escapes instead of showing them:\n{done.stdout}"
    for view in (("history", G, "--json"), ("audit", "export", "--format", "jsonl")):
        done = cli.ok(*view)
        assert not any(c in done.stdout for c in "\x1b\x07\x9b\u202e") and "\\u001b[31m" in done.stdout


def test_project_and_replay_never_print_the_database_password(world) -> None:
    """Reproduction 6: `project` and `replay --into` named the URL with its password."""
    cli, _ = world
    schema = f"oar_e2e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    secret = "s3cret-pw"
    into = f"{POSTGRES_URL.replace('postgres@', f'postgres:{secret}@')}?options=-csearch_path%3D{schema}"
    try:
        done = cli.ok("replay", "--into", into)
        assert "replayed" in done.stdout and secret not in done.stdout + done.stderr
        assert "postgres:***@" in done.stdout
        follow = subprocess.Popen([cli_path(), "project"], env=cli.env | {"OAR_PROJECTION_DATABASE_URL": into},
                                  cwd=cli.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            first = follow.stdout.readline()
        finally:
            os.kill(follow.pid, signal.SIGTERM)
            rest, errors = follow.communicate(timeout=60)
        assert "projecting" in first and "postgres:***@" in first
        assert secret not in first + rest + errors and follow.returncode == 0
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def cli_path() -> str:
    return str(Path(sys.executable).parent / "oar-ledger")
