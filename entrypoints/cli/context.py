"""Per-invocation state of the CLI: the settings, and the ledger built on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import typer

from bootstrap import Ledger, build_ledger
from infra.settings import Settings


@dataclass
class CliState:
    settings: Settings
    json_output: bool = False
    _ledger: Ledger | None = field(default=None, repr=False)

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = build_ledger(self.settings)
        return self._ledger

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()


def state(ctx: typer.Context) -> CliState:
    return ctx.find_root().obj


def build_command(command_class: type, **fields: Any) -> Any:
    """Validate CLI input into a domain command (a ValidationError exits 2)."""
    return command_class.model_validate({k: v for k, v in fields.items() if v is not None})


def run_command(ctx: typer.Context, command_class: type, **fields: Any) -> None:
    """Validate, execute through the application, and report what was recorded."""
    from entrypoints.render import print_receipt

    command = build_command(command_class, **fields)
    receipt = state(ctx).ledger.app.execute(command)
    print_receipt(receipt, state(ctx).json_output)
    publish_embedded(state(ctx))


def publish_embedded(cli: CliState) -> None:
    """Embedded default only: if the development broker runs, publish at once so a
    single user sees the topic filled. With a configured Kafka the relay service
    publishes; a command never fails because publishing could not happen now."""
    from entrypoints.render import err, line
    from infra.kafka.runtime import running_dev_broker
    from infra.redaction import redact

    if cli.settings.kafka_bootstrap_servers:
        return
    bootstrap = running_dev_broker(cli.settings)
    if bootstrap is None:
        err.print("stored; not on Kafka yet (no broker running: `oar-ledger broker`, then `oar-ledger relay`)")
        return
    from bootstrap import build_relay, build_relay_lock
    from service.publishing import publish_pending
    from infra.kafka.relay_lock import RelayBusy

    try:
        relay = build_relay(cli.ledger, bootstrap)
        sent, _ = publish_pending(relay, build_relay_lock(cli.ledger), ephemeral_broker=True)
        err.print(f"published {sent} event(s) to {cli.settings.ledger_topic}")
    except RelayBusy:
        err.print("stored; the running relay will publish it")
    except Exception as problem:  # noqa: BLE001 - the command itself succeeded
        line(redact(f"stored; not published now ({problem}); `oar-ledger relay` will catch up"), stream=err)

