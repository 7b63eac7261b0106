"""Per-invocation state of the CLI: the settings, and the ledger built on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:  # the ledger is built on first use: `--help` and read-model queries never import it
    from datetime import datetime

    from bootstrap import Ledger
    from infra.settings import Settings


@dataclass
class CliState:
    settings: Settings
    json_output: bool = False
    token: str | None = field(default=None, repr=False)  # --token, else OAR_TOKEN
    _ledger: Ledger | None = field(default=None, repr=False)

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            from bootstrap import build_ledger

            self._ledger = build_ledger(self.settings)
        return self._ledger

    def clock(self) -> datetime:
        """Now, by the ledger's clock, without building the ledger for it."""
        if self._ledger is not None:
            return self._ledger.app.clock()
        from bootstrap import build_clock

        return build_clock(self.settings)()

    def store_position(self) -> int:
        """The event store's head position, without building the ledger for it."""
        if self._ledger is not None:
            return self._ledger.app.recorder.max_notification_id() or 0
        from bootstrap import store_position

        return store_position(self.settings)

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()


def state(ctx: typer.Context) -> CliState:
    return ctx.find_root().obj


def build_command(command_class: type, **fields: Any) -> Any:
    """Validate CLI input into a domain command (a ValidationError exits 2)."""
    return command_class.model_validate({k: v for k, v in fields.items() if v is not None})


def resolve_actor(cli: CliState, command_class: type, typed: dict[str, Any]) -> Any:
    """Who acts. With a token: its verified subject, in the role the token and the ledger
    give (the same decision as the API). When authentication is configured, no token means
    nothing is written. Otherwise (the single-user embedded default) the typed --actor and
    --role, recorded as established by ``local-cli``."""
    from bootstrap import build_token_verifier
    from domain.actors import CONSOLE, Actor
    from entrypoints.cli.errors import CliError, ExitCode
    from service.access import ClaimMapping, actor_for, principal_from_claims

    settings = cli.settings
    if cli.token:
        verifier = build_token_verifier(settings)
        claims = verifier.verify(cli.token)
        mapping = ClaimMapping(settings.roles_claim, settings.oar_claim_value, settings.auditor_claim_value)
        actor = actor_for(principal_from_claims(claims, mapping, verifier.method), command_class)
        if typed.get("id") not in (None, actor.id) or typed.get("role") not in (None, actor.role.value):
            raise CliError(f"--actor/--role conflict with the token: it acts as {actor}", ExitCode.USAGE)
        return actor
    if settings.authentication_required:
        raise CliError("refused: authentication is configured, and this write has no verified identity: "
                       "pass --token or set OAR_TOKEN; nothing written", ExitCode.REFUSED)  # fmt: skip
    if typed.get("id") is None or typed.get("role") is None:
        raise CliError("missing --actor and --role (or pass --token)", ExitCode.USAGE)
    return Actor(id=typed["id"], role=typed["role"], authenticated_by=CONSOLE)


def run_command(ctx: typer.Context, command_class: type, **fields: Any) -> None:
    """Validate, execute through the application, and report what was recorded."""
    from entrypoints.render import print_receipt

    fields["actor"] = resolve_actor(state(ctx), command_class, fields.get("actor") or {})
    command = build_command(command_class, **fields)
    receipt = state(ctx).ledger.app.execute(command)
    print_receipt(receipt, state(ctx).json_output)
    publish_embedded(state(ctx))


def publish_embedded(cli: CliState) -> None:
    """Embedded default only: if the development broker runs, publish at once so a
    single user sees the topic filled. With a configured Kafka the relay service
    publishes; a command never fails because publishing could not happen now."""
    from entrypoints.render import err, line
    from infra.kafka.dev_broker_file import running_dev_broker
    from infra.redaction import redact

    if cli.settings.kafka_bootstrap_servers:
        return
    bootstrap = running_dev_broker(cli.settings)
    if bootstrap is None:
        err.print("stored; not on Kafka yet (no broker running: `oar-ledger broker`, then `oar-ledger relay`)")
        return
    from bootstrap import build_relay, build_relay_lock
    from service.evidence.service import republish_evidence
    from service.publishing import publish_pending
    from infra.kafka.relay_lock import RelayBusy

    try:
        relay = build_relay(cli.ledger, bootstrap)
        sent, _ = publish_pending(relay, build_relay_lock(cli.ledger), ephemeral_broker=True,
                                 on_republish=lambda: republish_evidence(cli.ledger.engine))
        err.print(f"published {sent} event(s) to {cli.settings.ledger_topic}")
    except RelayBusy:
        err.print("stored; the running relay will publish it")
    except Exception as problem:  # noqa: BLE001 - the command itself succeeded
        line(redact(f"stored; not published now ({problem}); `oar-ledger relay` will catch up"), stream=err)

