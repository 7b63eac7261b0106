"""How results look: rich tables for people, JSON for programs (``--json``).

Everything shown is data, never markup or terminal control: both consoles have Rich
markup and highlighting off, and every piece of text passes through ``visible`` (tables,
lines, error messages) or ``safe_json`` (JSON), which turn control characters, bidi
overrides and lone surrogates into visible escapes. Text typed today cannot hold them
(``domain.text``), but stored text may be older, or tampered with.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from rich.console import Console
from rich.table import Table
from rich.text import Text

from domain.text import is_control


def _console(stderr: bool = False) -> Console:
    # Off a terminal (pipes, CI logs) rich assumes 80 columns; audit tables need more
    # (COLUMNS, when set, is what rich reads instead).
    width = None if Console(stderr=stderr).is_terminal or os.environ.get("COLUMNS") else 160
    return Console(stderr=stderr, width=width, markup=False, highlight=False, emoji=False)


out = _console()
err = _console(stderr=True)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object, *, one_line: bool = False) -> str:
    """``value`` as text whose control characters are shown as ``\\xNN`` / ``\\uNNNN``.
    Line breaks stay, unless ``one_line`` (then they show as ``\\n`` too)."""
    text = value if isinstance(value, str) else str(value)
    if not any(is_control(c, allow_newline=True) for c in text) and not (one_line and "\n" in text):
        return text
    return "".join(
        (r"\n" if c == "\n" else _escape(c)) if is_control(c, allow_newline=not one_line) else c for c in text
    )


def line(text: object, *, stream: Console | None = None, style: str | None = None, **options: Any) -> None:
    """One line (or a few) of plain text (stdout by default): no markup, highlighting or hard wrapping."""
    (stream or out).print(Text(visible(text), style=style or ""), soft_wrap=True, **options)


def to_jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal may act on."""


def safe_json(text: str) -> str:
    """JSON text with the characters above written as ``\\uXXXX`` escapes (still valid JSON,
    the same values)."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(value: Any, indent: int | None = 2) -> str:
    return safe_json(json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False))


def print_json(value: Any) -> None:
    print(json_text(value))


def print_receipt(receipt: Any, as_json: bool) -> None:
    if as_json:
        print_json(receipt)
        return
    for name, version, position in zip(receipt.events, receipt.versions, receipt.positions, strict=True):
        line(f"recorded {name} for group {receipt.group} (version {version}, ledger position {position})")


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    grid = Table(title=Text(visible(title, one_line=True)), title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*[Text(visible(_cell(value))) for value in row])
    out.print(grid)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)
