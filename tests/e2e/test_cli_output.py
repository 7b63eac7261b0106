"""What a person reads: help in words, tables that fit COLUMNS without breaking words, and
JSON where `--json` is offered."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.e2e
REASON = "objectives relevant and two managers appointed in accordance with the guidelines"


def with_columns(cli, columns: int):
    return type(cli)(env=cli.env | {"COLUMNS": str(columns)}, cwd=cli.cwd, database=cli.database)


@pytest.mark.parametrize("command", [["attendance", "record"], ["relay"], ["prove"]])
def test_help_names_values_in_words(sqlite_cli, command: list[str]) -> None:
    text = sqlite_cli.ok(*command, "--help").stdout
    assert not re.search(r"<(str|int|float|path|list\[|int range|int,int)", text), text


def test_tables_fit_columns_and_break_no_word(sqlite_cli) -> None:
    sqlite_cli.ok("group", "request", "cms-alumni", "--name", "CMS alumni", "--type", "scientific-collaboration",
                  "--managed-by", "alumni", "--visibility", "public", "--objectives", "stay in touch",
                  "--manager", "m-1", "--manager", "m-2", "--actor", "m-1", "--role", "manager")  # fmt: skip
    sqlite_cli.ok("group", "approve", "cms-alumni", "--reason", REASON, "--actor", "oar-1", "--role", "oar")
    for columns in (80, 120):
        lines = with_columns(sqlite_cli, columns).ok("history", "cms-alumni").stdout.splitlines()
        assert lines and max(len(line) for line in lines) <= columns
        cells = " ".join(cell.strip() for line in lines for cell in line.split("│"))
        for word in ("GroupRequested", "GroupApproved", "appointed", "accordance", "guidelines"):
            assert re.search(rf"\b{word}\b", cells), (columns, word, "\n".join(lines))
    wide = with_columns(sqlite_cli, 260).ok("history", "cms-alumni").stdout
    assert REASON in wide  # enough room: the reason on one line


def test_keys_public_json(sqlite_cli) -> None:
    sqlite_cli.ok("keys", "init")
    plain = sqlite_cli.ok("keys", "public").stdout.strip()
    for args in (["keys", "public", "--json"], ["--json", "keys", "public"]):
        document = json.loads(sqlite_cli.ok(*args).stdout)
        assert document == {"verifier_key": plain, "name": plain.split("+")[0], "algorithm": "Ed25519"}
