"""The CLI imports only what a command uses: `--help` lists every command without importing
them, and a read-model query never imports Kafka or the event store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer

from entrypoints.cli.main import COMMANDS, create_app

pytestmark = pytest.mark.integration

PROBE = """
import json, sys
from entrypoints.cli.main import run
try:
    run(sys.argv[1:])
except SystemExit:
    pass
heavy = ("kafka", "sqlalchemy", "eventsourcing", "psycopg", "cryptography", "orjson", "domain")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(heavy))), file=sys.stderr)
"""


def imported_by(tmp_path: Path, *argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"OAR_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_no_command_module(tmp_path: Path) -> None:
    assert imported_by(tmp_path, "--help") == set()


def test_a_read_model_query_imports_neither_kafka_nor_the_event_store(tmp_path: Path) -> None:
    loaded = imported_by(tmp_path, "groups", "--json")
    assert "sqlalchemy" in loaded  # the probe sees what the query truly needs
    assert not loaded & {"kafka", "eventsourcing", "cryptography"}


def test_policy_show_imports_neither_kafka_nor_a_database(tmp_path: Path) -> None:
    loaded = imported_by(tmp_path, "policy", "show", "--json", "--on", "2026-02-01")
    assert "domain" in loaded  # the packs themselves
    assert not loaded & {"kafka", "sqlalchemy", "psycopg", "cryptography"}


def test_an_embedded_write_without_a_broker_imports_no_kafka(tmp_path: Path) -> None:
    """Every embedded write asks whether a development broker runs; with none running
    (the usual case) the answer is read from var/ without importing a Kafka client."""
    loaded = imported_by(tmp_path, "group", "request", "cms-alumni", "--name", "CMS alumni", "--type", "regional",
                         "--managed-by", "alumni", "--visibility", "public", "--objectives", "Alumni of CMS",
                         "--criterion", "worked at CERN", "--manager", "m-1", "--manager", "m-2",
                         "--actor", "m-1", "--role", "member")  # fmt: skip
    assert "eventsourcing" in loaded  # the write truly ran
    assert (tmp_path / "var").is_dir()
    assert "kafka" not in loaded


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


@pytest.mark.parametrize("lazy", COMMANDS, ids=[c.name for c in COMMANDS])
def test_the_command_table_matches_each_command(lazy) -> None:
    """The table `--help` lists from is the commands' own help (it cannot drift)."""
    command = lazy.load()
    assert command.name == lazy.name
    assert _first_paragraph(command.help or "") == lazy.help


def test_every_command_is_reachable_from_the_root() -> None:
    root = typer.main.get_command(create_app())
    context = click.Context(root)
    assert [root.get_command(context, name).name for name in root.list_commands(context)] == [
        c.name for c in COMMANDS
    ]
