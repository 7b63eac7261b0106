"""The ``oar-ledger`` command: the root, its subcommand groups, and error translation."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Annotated

import typer

from entrypoints.cli.context import CliState
from entrypoints.cli.errors import ExitCode, translate
from entrypoints.cli.gathering_commands import attendance_app, event_app, speaker_app, sponsorship_app
from entrypoints.cli.group_commands import group_app, manager_app
from entrypoints.cli.member_commands import member_app
from entrypoints.cli.query_commands import history, refusals, show
from entrypoints.render import err, line
from infra.redaction import install_log_redaction, redact, remember_secrets, remember_url


def create_app() -> typer.Typer:
    app = typer.Typer(
        name="oar-ledger",
        help=(
            "Event-sourced audit ledger for CERN alumni groups. Every decision is an "
            "immutable event citing the guideline clause that governed it.\n\n"
            "Exit codes: 0 ok, 1 internal error (a bug), 2 usage/validation/configuration, 3 refused by a "
            "rule, 4 not found, 5 conflict, 6 broker or database unavailable, 7 integrity problem (data lost "
            "or altered)."
        ),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_root)
    for name, sub in (
        ("group", group_app), ("manager", manager_app), ("member", member_app),
        ("event", event_app), ("speaker", speaker_app), ("attendance", attendance_app),
        ("sponsorship", sponsorship_app),
    ):  # fmt: skip
        app.add_typer(sub, name=name)
    for query in (show, history, refusals):
        app.command()(query)
    _register_optional(app)
    return app


def _register_optional(app: typer.Typer) -> None:
    """Commands of later layers (demo, Kafka, evidence, projections) register here."""
    from entrypoints.cli import admin_commands, audit_commands, demo_command, kafka_commands, projection_commands

    app.command("demo")(demo_command.demo)
    app.command("broker")(kafka_commands.broker)
    app.command("relay")(kafka_commands.relay)
    app.add_typer(kafka_commands.kafka_app, name="kafka")
    __import__("entrypoints.cli.evidence_commands", fromlist=["register"]).register(app)
    from entrypoints.cli import proof_commands

    app.command("prove")(proof_commands.prove)
    app.command("verify-proof")(proof_commands.verify_proof)
    for command in (projection_commands.project, projection_commands.replay, projection_commands.groups,
                    projection_commands.compliance, projection_commands.pending,
                    projection_commands.sponsorships, audit_commands.audit):  # fmt: skip
        app.command()(command)
    app.add_typer(projection_commands.projections_app, name="projections")
    app.add_typer(admin_commands.db_app, name="db")
    app.add_typer(admin_commands.contracts_app, name="contracts")


def _root(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="JSON output for every command.")] = False,
) -> None:
    from infra.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # its own retries are noise here
    install_log_redaction()
    settings = Settings()
    for url in (settings.database_url, settings.projection_database_url):
        remember_url(url)
    password = settings.kafka_sasl_password
    remember_secrets([password.get_secret_value() if password else None])
    ctx.obj = CliState(settings=settings, json_output=json_output)
    ctx.call_on_close(ctx.obj.close)


def run(argv: list[str] | None = None) -> None:
    """Console entry point. Typer handles usage errors (exit 2) and --help; the
    ledger's own errors come out of the command and are translated here."""
    try:
        create_app()(args=argv, prog_name="oar-ledger")
    except Exception as error:  # noqa: BLE001 - every error is translated, none shows a traceback
        code, message = translate(error)
        if code == ExitCode.INTERNAL and os.environ.get("OAR_DEBUG"):
            line(redact("".join(traceback.format_exception(error))), stream=err)
        line(message, stream=err)
        sys.exit(code)
