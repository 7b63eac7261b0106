"""How results look: rich tables for people, JSON for programs (``--json``)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _width(stderr: bool = False, off_terminal: int = 160) -> int | None:
    """``COLUMNS`` when set; else the terminal's width; off a terminal (pipes, CI logs,
    where rich would assume 80 columns) ``off_terminal``, as audit tables (event ids,
    messages) need it."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    return None if Console(stderr=stderr).is_terminal else off_terminal


out = Console(width=_width(off_terminal=240))
err = Console(stderr=True, width=_width(stderr=True))
LONGEST_UNBROKEN_WORD = 40


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


def print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def print_receipt(receipt: Any, as_json: bool) -> None:
    if as_json:
        print_json(receipt)
        return
    for name, version, position in zip(receipt.events, receipt.versions, receipt.positions, strict=True):
        out.print(f"recorded {name} for group {receipt.group} (version {version}, ledger position {position})")


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    cells = [[_cell(value) for value in row] for row in rows]
    # Each column wide enough for its longest word (up to 40 characters): rich then wraps at
    # spaces and breaks no word. If the terminal is too narrow for that, each row is shown as
    # a block of "column: value" lines instead (as psql's expanded display), so no word is cut.
    widths = [min(max([len(w) for row in cells for w in row[i].split()] + [len(c)]), LONGEST_UNBROKEN_WORD)
              for i, c in enumerate(columns)]  # fmt: skip
    if sum(widths) + 3 * len(columns) + 1 > (out.width or 80):
        _expanded(title, columns, cells)
        return
    grid = Table(title=title, title_justify="left", show_lines=False)
    for column, width in zip(columns, widths, strict=True):
        grid.add_column(column, overflow="fold", min_width=width)
    for row in cells:
        grid.add_row(*row)
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
    out.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


_CONTROL = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)], "\ufffd")


def _cell(value: Any) -> str:
    """A table cell: what a person typed is shown, never interpreted (no rich markup, no
    terminal control characters)."""
    return escape(_text(value).translate(_CONTROL))


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
