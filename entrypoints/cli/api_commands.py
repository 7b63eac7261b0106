"""``oar-ledger serve`` (the HTTP API on uvicorn) and ``oar-ledger tokens issue`` (the
ledger's local token issuer, for the embedded default and tests)."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from enum import StrEnum
from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError

tokens_app = typer.Typer(help="The ledger's local token issuer (embedded default, tests).", no_args_is_help=True)
TTL = re.compile(r"^(\d{1,6})([smhd])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class TokenRole(StrEnum):
    """What a token can carry. A manager's authority is not a token role: it comes from
    the group's state in the ledger, so a manager gets a `person` token."""

    OAR = "oar"
    AUDITOR = "auditor"
    PERSON = "person"


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Listen address (default OAR_API_HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default OAR_API_PORT, 8000).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=32, help="Worker processes (default OAR_API_WORKERS, 1); "
                                                "above 1 needs PostgreSQL. About one per core.")] = None,
) -> None:
    """Run the HTTP API (/openapi.json) and the web pages (/ui/); Ctrl-C or SIGTERM stops it."""
    import uvicorn

    from entrypoints.web.app import create_app

    settings = state(ctx).settings
    host, port, workers = host or settings.api_host, port or settings.api_port, workers or settings.api_workers
    if workers > 1 and not settings.uses_postgres:
        raise CliError("invalid --workers: above 1 needs PostgreSQL (OAR_DATABASE_URL); the embedded SQLite "
                       "ledger takes one writer process")  # fmt: skip
    # Built here even with workers: tables, migrations, keys and secrets are made once, before
    # any worker starts (workers racing to make them would differ, e.g. two signing keys).
    app = create_app(settings)
    print(f"Web pages: http://{host}:{port}/ui/  (API: http://{host}:{port}/openapi.json)", flush=True)
    # log_config=None: uvicorn's lines go through the ledger's logging (JSON with OAR_LOG_FORMAT=json).
    options = {"host": host, "port": port, "log_config": None, "proxy_headers": False, "server_header": False,
               "log_level": "info", "access_log": False}  # fmt: skip
    if workers == 1:
        uvicorn.run(app, **options)
        return
    app.state.context.close()
    from entrypoints.api.metrics import count_in_files

    counts = count_in_files()  # each worker counts its requests there; /metrics adds them up
    try:
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **options)
    finally:
        shutil.rmtree(counts, ignore_errors=True)


def worker_app():
    """What each ``serve --workers`` process runs: the app, and the logging the CLI sets up,
    from the settings (they come from the environment and ``.env``, as the parent's did)."""
    from entrypoints.web.app import create_app
    from infra.observability.logs import configure_logging
    from infra.settings import Settings

    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)


@tokens_app.command("issue")
def issue(
    ctx: typer.Context,
    subject: Annotated[str, typer.Option(help="The person's opaque id, e.g. oar-1 or m-1042.")],
    role: Annotated[TokenRole, typer.Option(help="oar, auditor, or person (members and managers).")] = TokenRole.PERSON,
    ttl: Annotated[str, typer.Option(help="Lifetime: a number and s, m, h or d, e.g. 8h.")] = "1h",
) -> None:
    """Mint a bearer token of the local issuer (printed on stdout)."""
    from bootstrap import build_local_issuer
    from entrypoints.api.auth import SUBJECT

    settings = state(ctx).settings
    if settings.oidc_issuer:
        raise CliError("tokens come from the OIDC issuer (OAR_OIDC_ISSUER is set), not from the ledger")
    if not SUBJECT.match(subject):
        raise CliError("invalid --subject: not an opaque id (a lowercase kind prefix, a dash, then a number of "
                       "1-8 digits or a UUID, e.g. m-1042); names, logins and e-mail addresses are refused")
    match = TTL.match(ttl)
    if match is None or int(match.group(1)) == 0:
        raise CliError("invalid --ttl: a positive number and s, m, h or d, e.g. 30m or 8h")
    lifetime = timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    if lifetime > timedelta(days=30):
        raise CliError("invalid --ttl: at most 30 days")
    groups = {TokenRole.OAR: [settings.oar_claim_value], TokenRole.AUDITOR: [settings.auditor_claim_value]}
    issuer = build_local_issuer(settings)
    from infra.clock import system_clock

    print(issuer.issue(subject, groups.get(role, []), lifetime, system_clock()))
