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


def _width(stderr: bool = False, off_terminal: int = 160) -> int | None:
    """``COLUMNS`` when set; else the terminal's width; off a terminal (pipes, CI logs,
    where rich would assume 80 columns) ``off_terminal``, as audit tables (event ids,
    messages) need it."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    return None if Console(stderr=stderr).is_terminal else off_terminal


def _console(stderr: bool = False, off_terminal: int = 160) -> Console:
    """Markup, highlighting and emoji codes off: what is printed is shown as it is."""
    return Console(stderr=stderr, width=_width(stderr, off_terminal), markup=False, highlight=False, emoji=False)


out = _console(off_terminal=240)
err = _console(stderr=True)
LONGEST_UNBROKEN_WORD = 40


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
    cells = [[_cell(value) for value in row] for row in rows]
    title = visible(title, one_line=True)
    # Each column wide enough for its longest word (up to 40 characters): rich then wraps at
    # spaces and breaks no word. If the terminal is too narrow for that, each row is shown as
    # a block of "column: value" lines instead (as psql's expanded display), so no word is cut.
    widths = [min(max([len(w) for row in cells for w in row[i].split()] + [len(c)]), LONGEST_UNBROKEN_WORD)
              for i, c in enumerate(columns)]  # fmt: skip
    if sum(widths) + 3 * len(columns) + 1 > (out.width or 80):
        _expanded(title, columns, cells)
        return
    grid = Table(title=Text(title), title_justify="left", show_lines=False)
    for column, width in zip(columns, widths, strict=True):
        grid.add_column(column, overflow="fold", min_width=width)
    for row in cells:
        grid.add_row(*[Text(cell) for cell in row])
    out.print(grid)


def _expanded(title: str, columns: list[str], cells: list[list[str]]) -> None:
    """One block per row, each value wrapped at spaces under its column's name."""
    import textwrap

    width, label = out.width or 80, max(len(c) for c in columns) + 2
    lines = textwrap.wrap(title, width) or [""]
    for number, row in enumerate(cells, start=1):
        lines.append(f"-[ {number} ]".ljust(min(width, label + 10), "-"))
        for column, value in zip(columns, row, strict=True):
            wrapped = textwrap.wrap(value, max(width - label, 20), break_on_hyphens=False) or [""]
            lines += [f"{(column + ':') if i == 0 else '':<{label}}{part}" for i, part in enumerate(wrapped)]
    out.print(Text("\n".join(lines)), soft_wrap=True)


def _cell(value: Any) -> str:
    """A table cell: what a person typed is shown, never interpreted (markup is off; control
    characters shown as escapes by ``visible``)."""
    return visible(_text(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)
