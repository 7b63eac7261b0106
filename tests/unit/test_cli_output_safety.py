"""Output is data, never markup or terminal control, and never a secret (issue 15,
reproductions 3 and 6); every error has an exit code and no traceback (reproduction 10)."""

from __future__ import annotations

import io
import json
import logging
import sqlite3

import psycopg
import pytest
import sqlalchemy.exc
from rich.console import Console

from entrypoints import render
from entrypoints.cli.errors import ExitCode, translate
from infra.db import DatabaseUrlError, parse_database_url
from infra.redaction import RedactingFilter, redact, remember_secrets

pytestmark = pytest.mark.unit

HOSTILE = ("x [/bold] y [link=http://evil]click[/link] \x1b[31mred\x1b[0m \x1b]8;;http://evil\x07osc\x1b]8;;\x07 "
           "\x9b31m csi \u202egnp.exe \x07bell \udcff")  # fmt: skip


def captured(monkeypatch: pytest.MonkeyPatch, terminal: bool) -> io.StringIO:
    """Point the CLI's stdout console at a buffer (as a terminal, or as a pipe)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, markup=False, highlight=False, force_terminal=terminal,
                      color_system="truecolor" if terminal else None)  # fmt: skip
    monkeypatch.setattr(render, "out", console)
    return buffer


def assert_inert(text: str) -> None:
    """No escape sequence, control character or bidi override survives, and markup is literal."""
    body = text.replace("\x1b[1m", "").replace("\x1b[0m", "")  # the console's own bold title style
    assert not any(render.is_control(char, allow_newline=True) for char in body), repr(body)
    assert "[/bold]" in body and "[link=http://evil]click[/link]" in body
    assert "\\x1b[31m" in body and "\\x9b" in body and "\\u202e" in body and "\\udcff" in body


@pytest.mark.parametrize("terminal", [True, False])
def test_a_table_shows_hostile_text_as_data(monkeypatch: pytest.MonkeyPatch, terminal: bool) -> None:
    buffer = captured(monkeypatch, terminal)
    render.table(f"Title {HOSTILE}", ["a", "b"], [[HOSTILE, [HOSTILE, "m-1"]], [None, 3]])
    assert_inert(buffer.getvalue())


def test_a_line_shows_hostile_text_as_data(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = captured(monkeypatch, terminal=True)
    render.line(HOSTILE, style="bold")
    assert_inert(buffer.getvalue())


def test_one_line_values_cannot_fake_a_second_line() -> None:
    assert render.visible("objectives\n  managers: m-666", one_line=True) == "objectives\\n  managers: m-666"
    assert render.visible("two\nlines") == "two\nlines"


def test_json_escapes_what_a_terminal_would_act_on_and_keeps_the_values(capsys: pytest.CaptureFixture) -> None:
    value = {"reason": HOSTILE, "n": 1}
    render.print_json(value)
    printed = capsys.readouterr().out
    assert not any(render.is_control(char, allow_newline=True) for char in printed)
    assert json.loads(printed.replace("\\udcff", "")) == {"reason": HOSTILE.replace("\udcff", ""), "n": 1}


@pytest.mark.parametrize(("text", "shown"), [
    ("postgresql://oar:s3cret@db:5432/oar", "postgresql://oar:***@db:5432/oar"),
    ("failed at postgresql+psycopg://u:p%40ss@h/db now", "failed at postgresql+psycopg://u:***@h/db now"),
    ("host=db user=oar password=s3cret dbname=oar", "host=db user=oar password=*** dbname=oar"),
    ("sqlite:///var/ledger.sqlite", "sqlite:///var/ledger.sqlite"),
    ("postgresql://oar@db/oar", "postgresql://oar@db/oar"),
])  # fmt: skip
def test_urls_and_passwords_are_redacted(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_a_known_secret_is_redacted_anywhere() -> None:
    remember_secrets(["kafka-sasl-pw-42"])
    assert redact("SASL login failed with kafka-sasl-pw-42") == "SASL login failed with ***"


def test_log_records_and_their_tracebacks_are_redacted() -> None:
    try:
        raise RuntimeError("cannot reach postgresql://oar:s3cret@db/oar")
    except RuntimeError:
        record = logging.LogRecord("oar", logging.ERROR, __file__, 1, "using %s", ("postgresql://oar:s3cret@db/oar",),
                                   exc_info=__import__("sys").exc_info())  # fmt: skip
    assert RedactingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "s3cret" not in formatted and "postgresql://oar:***@db/oar" in formatted


@pytest.mark.parametrize("url", ["postgresql://oar:s3cret@db:abc/oar", "mysql://oar:s3cret@db/oar", "nonsense"])
def test_an_unusable_database_url_is_a_usage_error_without_its_password(url: str) -> None:
    with pytest.raises(DatabaseUrlError) as caught:
        parse_database_url(url, "OAR_DATABASE_URL")
    code, message = translate(caught.value)
    assert code == ExitCode.USAGE and message.startswith("invalid OAR_DATABASE_URL")
    assert "s3cret" not in message


@pytest.mark.parametrize("error", [
    sqlalchemy.exc.OperationalError("SELECT 1", {}, psycopg.OperationalError('database "x" does not exist')),
    psycopg.OperationalError("connection failed: Connection refused"),
    sqlite3.OperationalError("unable to open database file"),
])  # fmt: skip
def test_an_unreachable_or_missing_database_exits_6(error: Exception) -> None:
    code, message = translate(error)
    assert code == ExitCode.UNAVAILABLE and message.startswith("database unavailable: ")
    assert "SELECT 1" not in message and "sqlalche.me" not in message


def test_file_errors_exit_2_and_anything_unexpected_exits_1_without_a_traceback() -> None:
    code, message = translate(PermissionError(13, "Permission denied", "/srv/oar/var"))
    assert (code, message) == (ExitCode.USAGE, "cannot use /srv/oar/var: Permission denied")
    code, message = translate(ZeroDivisionError("postgresql://oar:s3cret@db/oar"))
    assert code == ExitCode.INTERNAL
    assert message == "internal error (a bug, please report it): ZeroDivisionError: postgresql://oar:***@db/oar"


def test_log_records_cannot_drive_a_terminal() -> None:
    record = logging.LogRecord("oar", logging.WARNING, __file__, 1, "group %s stalled", ("x\x1b[2Jy",), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "group x\\u001b[2Jy stalled"
