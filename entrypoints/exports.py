"""The audit trail's exports (csv, json, jsonl): the CLI's ``audit export``, the API's
``/audit/export`` and the web pages' downloads all use these, so all give the same bytes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import IO, Any

from entrypoints.render import safe_json, to_jsonable, visible
from projections.queries import AUDIT_COLUMNS


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"


MEDIA_TYPES = {ExportFormat.CSV: "text/csv", ExportFormat.JSON: "application/json",
               ExportFormat.JSONL: "application/jsonl"}  # fmt: skip


def write_export(fmt: ExportFormat, rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """Write ``rows`` in ``fmt``; the number of rows written."""
    counted = _Counted(rows)
    for chunk in export_chunks(fmt, counted):
        stream.write(chunk)
    return counted.count


def export_chunks(fmt: ExportFormat, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The export as text chunks, row by row (a million-row export never sits in memory)."""
    if fmt is ExportFormat.CSV:
        yield _csv_line([*AUDIT_COLUMNS, "details"])
        for row in rows:
            plain = to_jsonable(row)
            cells = [plain[c] for c in AUDIT_COLUMNS] + [json.dumps(row["details"], ensure_ascii=False)]
            # a spreadsheet or terminal reading the CSV sees control characters as \xNN (use JSON for a lossless export)
            yield _csv_line([visible(value) if isinstance(value, str) else value for value in cells])
    elif fmt is ExportFormat.JSONL:
        for row in rows:
            yield _json_row(row) + "\n"
    else:
        yield "["
        for count, row in enumerate(rows):
            yield ("," if count else "") + "\n  " + _json_row(row)
        yield "\n]\n"


def _json_row(row: dict[str, Any]) -> str:
    """One row as JSON, characters a terminal may act on written as ``\\uXXXX`` (same values)."""
    return safe_json(json.dumps(to_jsonable(row), ensure_ascii=False))


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


class _Counted:
    def __init__(self, rows: Iterable[dict[str, Any]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            self.count += 1
            yield row
