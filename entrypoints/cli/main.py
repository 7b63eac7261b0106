"""The ``oar-ledger`` command: the root, its table of (lazily imported) commands, and the
translation of errors into exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated

import typer

from entrypoints.cli.lazy import LazyCommand, LazyGroup

_CLI = "entrypoints.cli"
COMMANDS: tuple[LazyCommand, ...] = tuple(
    LazyCommand(name, f"{_CLI}.{target}", help)
    for name, target, help in (
        # decisions (each records an event, or a refusal)
        ("group", "group_commands:group_app", "Request, decide, deactivate and terminate groups."),
        ("manager", "group_commands:manager_app", "Appoint and remove group managers (§7)."),
        ("member", "member_commands:member_app", "Join, request, moderate and leave group membership."),
        ("event", "gathering_commands:event_app", "Propose, decide and list group events (§20-§24, Annex 1)."),
        ("speaker", "gathering_commands:speaker_app", "Propose and decide guest speakers (§22)."),
        ("attendance", "gathering_commands:attendance_app", "Register participants and record attendance (§19, §30)."),
        ("sponsorship", "gathering_commands:sponsorship_app", "Request and decide sponsorships (§25, §26)."),
        # the event store
        ("show", "query_commands:show", "Current state of a group (or its state --as-of a past moment), rebuilt from its events in the ledger, with the compliance flags of that moment."),
        ("history", "query_commands:history", "Every event of a group in order: event id, time, subject (whom the decision was about), actor, role, how the actor signed in, action, reason, clause (optionally only those --from/--to the given moments)."),
        ("refusals", "query_commands:refusals", "Refused commands, kept for audit (no ledger event was written for them): time, actor, role, command, group, rule, clause and the message; filter by group, actor, rule, clause and time (--from/--to)."),
        # the read models
        ("groups", "review_commands:groups", "Every group: today from the read models (with their freshness), or --as-of a past moment, rebuilt from the event store."),
        ("compliance", "review_commands:compliance", "Compliance flags of every group on a date (§6, §7, §9, §18, §19, §23, §30, Annex 1; LSE sections)."),
        ("pending", "read_commands:pending", "Membership requests waiting for a manager's decision, with their age."),
        ("review", "oar_review_commands:review_app", "§9: rejections held for the OAR's review (the screen was uncertain): list, uphold, overturn."),
        ("sponsorships", "read_commands:sponsorships", "The sponsorship register with its §26 screening outcome and clause."),
        ("audit", "audit_commands:audit", "The audit trail from the projections: every event with position, time, actor, role, action, reason and clause. `audit export --format csv|json|jsonl` exports it."),
        # Kafka and projections
        ("broker", "kafka_commands:broker", "Run the development broker (memory only) in the foreground until Ctrl-C."),
        ("kafka", "kafka_commands:kafka_app", "Create and check the ledger's Kafka topics."),
        ("relay", "kafka_commands:relay", "Publish every stored event, in order, to the ledger topic (the outbox relay)."),
        ("project", "projection_commands:project", "Consume the ledger topic into the read models (graceful stop on SIGTERM/Ctrl-C)."),
        ("replay", "projection_commands:replay", "Rebuild every projection from offset 0 of the topic into a fresh database."),
        ("projections", "projection_commands:projections_app", "Compare projection databases."),
        # evidence
        ("keys", "key_commands:keys_app", "The Ed25519 key that signs checkpoints, its rotation, and the key set."),
        ("witness", "witness_commands:witness_app", "An independent witness that cosigns checkpoints (C2SP tlog-cosignature)."),
        ("checkpoints", "checkpoint_list:checkpoints", "The signed checkpoints: tree size, time, root, which key signed it, cosigners, published."),
        ("checkpoint", "evidence_commands:checkpoint", "Extend the Merkle tree from the store and sign a checkpoint (when due, or --force)."),
        ("prove", "proof_commands:prove", "An inclusion proof for an event, or a consistency proof between two checkpoints."),
        ("verify-proof", "proof_commands:verify_proof", "Check a proof offline, with only the public key: exit 0 valid, 7 invalid."),
        ("verify", "verify_command:verify", "Check the event store (hash chains), the Merkle leaves and signed checkpoints, the refusal log, the relay's refusals, the ledger topic, the projections' audit trail and every read-model row against each other; exit 7 on any mismatch, naming the first position where they disagree; exit 8 when no trusted verifier key (--key, OAR_VERIFIER_KEY or the local signing key) checked the checkpoint signatures."),
        # the HTTP API
        ("serve", "api_commands:serve", "Run the HTTP API (/openapi.json) and the web pages (/ui/); Ctrl-C or SIGTERM stops it."),
        ("tokens", "api_commands:tokens_app", "The ledger's local token issuer (embedded default, tests)."),
        # the rules
        ("policy", "policy_commands:policy_app", "Policy packs: their rules and versions."),
        # administration
        ("db", "admin_commands:db_app", "Database set-up, schema migrations, backup and restore."),
        ("contracts", "admin_commands:contracts_app", "JSON Schemas and the AsyncAPI document for downstream teams."),
        ("probe", "admin_commands:probe", "Exit 0 if the endpoint answers 2xx, else 6: the containers' health check (the image has no curl). Only http and https URLs are accepted."),
        ("demo", "demo_command:demo", "Record a realistic year (2024-2025) of several groups, refusals included, publish it to Kafka (starting the development broker if none is configured), and summarise."),
    )
)  # fmt: skip


class RootGroup(LazyGroup):
    lazy_commands = COMMANDS


def create_app() -> typer.Typer:
    app = typer.Typer(
        name="oar-ledger",
        cls=RootGroup,
        add_completion=False,  # shell completion would import typer.completion on every call
        help=(
            "Event-sourced audit ledger for CERN alumni groups. Every decision is an "
            "immutable event citing the guideline clause that governed it.\n\n"
            "Exit codes: 0 ok, 1 internal error (a bug), 2 usage/validation/configuration, 3 refused by a "
            "rule, 4 not found, 5 conflict, 6 broker or database unavailable, 7 integrity problem (data lost "
            "or altered), 8 verify could not check the checkpoint signatures (no trusted key)."
        ),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(_root)
    return app


def _root(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="JSON output for every command.")] = False,
    token: Annotated[
        str | None, typer.Option("--token", help="Bearer token for writes (default: OAR_TOKEN).", show_default=False)
    ] = None,
) -> None:
    from entrypoints.cli.context import CliState
    from infra.observability.logs import configure_logging, new_command_id
    from infra.redaction import install_log_redaction, remember_secrets, remember_url
    from infra.settings import Settings

    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    install_log_redaction()  # every secret of the settings, control characters as escapes
    for url in (settings.database_url, settings.projection_database_url):
        remember_url(url)
    secrets = (settings.kafka_sasl_password, settings.database_password, settings.token, settings.oidc_client_secret)
    remember_secrets([secret.get_secret_value() if secret else None for secret in secrets])
    remember_secrets([token])
    if settings.policy_pack_versions:  # every command then checks rules with them (--help imports no pack)
        from bootstrap import install_policy_packs

        install_policy_packs(settings)
    new_command_id()
    given = token or (settings.token.get_secret_value() if settings.token else None)
    ctx.obj = CliState(settings=settings, json_output=json_output, token=given)
    ctx.call_on_close(ctx.obj.close)


def run(argv: list[str] | None = None) -> None:
    """Console entry point. Typer handles usage errors (exit 2) and --help; the
    ledger's own errors come out of the command and are translated here."""
    try:
        from typer.main import get_command

        from entrypoints.cli.help_words import use_words

        use_words(get_command(create_app()))(args=argv, prog_name="oar-ledger")
    except Exception as error:  # noqa: BLE001 - every error is translated, none shows a traceback
        from entrypoints.cli.errors import ExitCode, translate
        from entrypoints.render import err, line
        from infra.redaction import redact

        code, message = translate(error)
        if code == ExitCode.INTERNAL and os.environ.get("OAR_DEBUG"):
            line(redact("".join(traceback.format_exception(error))), stream=err)
        line(message, stream=err)
        sys.exit(code)
