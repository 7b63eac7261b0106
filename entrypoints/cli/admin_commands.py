"""Administration: database set-up and the published contracts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bootstrap import build_ledger, build_projection_engine
from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.render import err, line, out
from infra.redaction import redact_url
from infra.contracts import DRIFT_HINT, check_contracts, write_contracts

db_app = typer.Typer(help="Database set-up.", no_args_is_help=True)
contracts_app = typer.Typer(help="JSON Schemas and the AsyncAPI document for downstream teams.", no_args_is_help=True)
Folder = Annotated[Path, typer.Option("--dir", help="The contracts folder.")]


@db_app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the event store, the ledger's own tables and the read models, once.

    Run this as one step before starting workers with OAR_CREATE_TABLES=false: on
    PostgreSQL, several processes creating tables at once can fail.
    """
    settings = state(ctx).settings.model_copy(update={"create_tables": True})
    build_ledger(settings).close()
    build_projection_engine(settings).dispose()
    line(f"ledger tables ready in {redact_url(settings.database_url) or settings.sqlite_path}")
    line(f"read-model tables ready in {redact_url(settings.projection_url)}")


@contracts_app.command("write")
def write(folder: Folder = Path("contracts")) -> None:
    """Regenerate the JSON Schemas and AsyncAPI document from the event models."""
    changed = write_contracts(folder)
    out.print(f"{len(changed)} file(s) written in {folder}" if changed else "contracts are up to date")


@contracts_app.command("check")
def check(folder: Folder = Path("contracts")) -> None:
    """Fail (exit 7) if the checked-in contracts differ from the event models."""
    problems = check_contracts(folder)
    for problem in problems:
        err.print(problem, markup=False)
    if problems:
        raise CliError(DRIFT_HINT, ExitCode.INTEGRITY)
    out.print("contracts match the event models")
