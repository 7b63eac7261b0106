"""The audit trail's exports (csv, json, jsonl), written to a text stream: the CLI's
``audit export`` and the web pages' downloads use these, so both give the same bytes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from enum import StrEnum
from typing import IO, Any

from entrypoints.render import to_jsonable
from projections.queries import AUDIT_COLUMNS


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"


MEDIA_TYPES = {ExportFormat.CSV: "text/csv", ExportFormat.JSON: "application/json",
               ExportFormat.JSONL: "application/jsonl"}  # fmt: skip


def write_export(fmt: ExportFormat, rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """Write ``rows`` in ``fmt``; the number of rows written."""
    return {ExportFormat.CSV: _csv, ExportFormat.JSON: _json, ExportFormat.JSONL: _jsonl}[fmt](rows, stream)


def _csv(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    writer = csv.DictWriter(stream, fieldnames=[*AUDIT_COLUMNS, "details"])
    writer.writeheader()
    count = 0
    for count, row in enumerate(rows, 1):
        writer.writerow(to_jsonable(row) | {"details": json.dumps(row["details"], ensure_ascii=False)})
    return count


def _jsonl(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    count = 0
    for count, row in enumerate(rows, 1):
        stream.write(json.dumps(to_jsonable(row), ensure_ascii=False) + "\n")
    return count


def _json(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    # Streamed, so a million-row export does not build one list in memory.
    stream.write("[")
    count = 0
    for count, row in enumerate(rows, 1):
        stream.write(("," if count > 1 else "") + "\n  " + json.dumps(to_jsonable(row), ensure_ascii=False))
    stream.write("\n]\n")
    return count
