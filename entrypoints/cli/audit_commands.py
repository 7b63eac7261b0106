"""The auditor's trail: ``audit GROUP`` (paged) and ``audit export --format csv|json|jsonl``."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.output_files import output_file
from entrypoints.cli.read_commands import _projections
from entrypoints.exports import ExportFormat, write_export
from entrypoints.render import line, print_json, table
from projections.queries import audit_page, audit_rows, group_id_of


def audit(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A group's slug, or `export` to export the trail.")],
    page: Annotated[int, typer.Option(min=1, help="Page number (oldest first).")] = 1,
    page_size: Annotated[int, typer.Option(min=1, max=1000, help="Rows per page.")] = 50,
    fmt: Annotated[ExportFormat | None, typer.Option("--format", help="Export format.")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Export to this file (default stdout).")] = None,
    group: Annotated[str | None, typer.Option("--group", help="Export only this group.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The audit trail from the projections: every event with position, time, actor,
    role, action, reason and clause. `audit export --format csv|json|jsonl` exports it."""
    with _projections(ctx) as connection:
        if target == "export":
            _export(connection, fmt or ExportFormat.JSONL, out_file, _group_id(connection, group))
            return
        rows, total = audit_page(connection, _group_id(connection, target), page, page_size)
    if as_json or state(ctx).json_output:
        print_json({"group": target, "page": page, "page_size": page_size, "total": total, "rows": rows})
        return
    pages = max(1, -(-total // page_size))
    table(f"Audit trail of {target}: page {page} of {pages} ({total} events)",
          ["position", "time", "actor", "role", "action", "reason", "clause"],
          [[r["position"], r["time"], r["actor_id"], r["actor_role"], r["action"], r["reason"], r["clause"]] for r in rows])  # fmt: skip


def _group_id(connection: Any, slug: str | None) -> str | None:
    if slug is None:
        return None
    group_id = group_id_of(connection, slug)
    if group_id is None:
        raise CliError(f"not found: no group {slug} in the projections (run `oar-ledger project`)", ExitCode.NOT_FOUND)
    return group_id


def _export(connection: Any, fmt: ExportFormat, path: Path | None, group_id: str | None) -> None:
    rows = audit_rows(connection, group_id)
    opened = output_file(path) if path else nullcontext(sys.stdout)
    with opened as stream:
        count = write_export(fmt, rows, stream)
    if path:
        line(f"exported {count} audit row(s) to {path} ({fmt.value})")
