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
from infra.migrations import HEAD

db_app = typer.Typer(help="Database set-up, schema migrations, backup and restore.", no_args_is_help=True)
contracts_app = typer.Typer(help="JSON Schemas and the AsyncAPI document for downstream teams.", no_args_is_help=True)
Folder = Annotated[Path, typer.Option("--dir", help="The contracts folder.")]


@db_app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the event store, the ledger's own tables and the read models, once.

    Optional: every process creates missing tables at start, one at a time (a
    PostgreSQL advisory lock), so any number may start at once; run this as one step
    to start workers with OAR_CREATE_TABLES=false.
    """
    settings = state(ctx).settings.model_copy(update={"create_tables": True})
    build_ledger(settings).close()  # the event store, and the ledger's tables migrated to the newest schema
    build_projection_engine(settings).dispose()
    line(f"ledger tables ready in {redact_url(settings.database_url) or settings.sqlite_path} (schema {HEAD})")
    line(f"read-model tables ready in {redact_url(settings.projection_url)}")


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Migrate the ledger's own tables (refusals, relay progress, Merkle leaves, checkpoints,
    verification runs, API idempotency keys) to this release's schema, keeping their rows.

    Run it once after installing a new release, before starting the workers. The event
    store's tables belong to eventsourcing; read models are rebuilt with `replay`.
    """
    from bootstrap import build_ledger_engine
    from infra.migrations.schema import upgrade as migrate

    engine = build_ledger_engine(state(ctx).settings)
    try:
        before, after = migrate(engine)
    finally:
        engine.dispose()
    change = "already up to date" if before == after else f"migrated from {before or 'an empty database'}"
    line(f"ledger tables at schema {after}: {change}")


@db_app.command("backup")
def backup(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="The backup file to write (never overwritten).")],
) -> None:
    """Back up the ledger database: the event store and the ledger's own tables.

    SQLite: an online copy (safe while commands run). PostgreSQL: pg_dump, custom format.
    Back up the signing key separately; read models are rebuilt with `replay`.
    """
    from infra.backup import backup as back_up

    back_up(state(ctx).settings, out_file)
    line(f"ledger database backed up to {out_file}")


@db_app.command("restore")
def restore(
    ctx: typer.Context,
    backup_file: Annotated[Path, typer.Argument(help="A file written by `db backup`.")],
) -> None:
    """Restore a backup into the configured database, which must be new and empty.

    Then: put the signing key back, `relay --republish` to rebuild the topic if the broker
    lost it, `replay --into` a fresh read-model database, and `verify`.
    """
    from bootstrap import build_ledger_engine
    from infra.backup import restore as put_back

    settings = state(ctx).settings
    engine = build_ledger_engine(settings)
    try:
        put_back(settings, backup_file, engine)
    finally:
        engine.dispose()
    line(f"ledger database restored from {backup_file}")


@contracts_app.command("write")
def write(folder: Folder = Path("contracts")) -> None:
    """Regenerate the JSON Schemas and AsyncAPI document from the event models."""
    from entrypoints.api.contract import write_openapi

    changed = write_contracts(folder) + write_openapi(folder)
    out.print(f"{len(changed)} file(s) written in {folder}" if changed else "contracts are up to date")


@contracts_app.command("check")
def check(folder: Folder = Path("contracts")) -> None:
    """Fail (exit 7) if the checked-in contracts differ from the event models."""
    from entrypoints.api.contract import check_openapi

    problems = check_contracts(folder) + check_openapi(folder)
    for problem in problems:
        line(problem, stream=err)
    if problems:
        raise CliError(DRIFT_HINT, ExitCode.INTEGRITY)
    out.print("contracts match the event models")


def probe(
    url: Annotated[str, typer.Argument(help="The endpoint, e.g. http://127.0.0.1:9464/readyz.")],
    timeout: Annotated[float, typer.Option(min=0.1, max=60, help="Seconds to wait for the answer.")] = 5.0,
) -> None:
    """Exit 0 if the endpoint answers 2xx, else 6: the containers' health check (the image
    has no curl). Only http and https URLs are accepted."""
    import urllib.error
    import urllib.request

    if not url.startswith(("http://", "https://")):
        raise CliError(f"invalid url: {url!r} is not an http(s) address")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - scheme checked above
            line(f"{answer.status} {answer.read(300).decode('utf-8', 'replace')}")
    except urllib.error.HTTPError as failed:
        raise CliError(f"{url} answered {failed.code}: {failed.read(300).decode('utf-8', 'replace')}",
                       ExitCode.UNAVAILABLE) from None  # fmt: skip
    except (urllib.error.URLError, OSError) as failed:
        raise CliError(f"{url} did not answer: {failed}", ExitCode.UNAVAILABLE) from None
