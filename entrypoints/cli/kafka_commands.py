"""Kafka subcommands: the development broker, topic administration, the relay."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bootstrap import build_checkpoint_hook, build_checkpointer, build_relay, build_relay_lock
from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.render import err, line, out
from infra.kafka.config import kafka_client_config, topic_specs
from infra.kafka.runtime import bootstrap_servers, dev_broker_session
from infra.kafka.topics import check_topics, ensure_topics
from infra.settings import Settings
from service.evidence.service import publish_evidence, republish_evidence
from service.stopping import StopRequested, StopSignals

kafka_app = typer.Typer(help="Create and check the ledger's Kafka topics.", no_args_is_help=True)
log = logging.getLogger("oar.relay")


def require_bootstrap(settings: Settings) -> str:
    found = bootstrap_servers(settings)
    if found is None:
        raise CliError(
            "no Kafka broker: set KAFKA_BOOTSTRAP_SERVERS, or start the development broker "
            "with `oar-ledger broker` in another terminal",
            ExitCode.UNAVAILABLE,
        )
    return found


def broker(ctx: typer.Context) -> None:
    """Run the development broker (memory only) in the foreground until Ctrl-C.

    Other oar-ledger commands using the same var dir find it and publish to it.
    """
    settings = state(ctx).settings
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with dev_broker_session(settings) as running:
        out.print(f"development broker ready at {running.bootstrap_servers} (memory only; log {running.log_path})")
        out.print(f"  export KAFKA_BOOTSTRAP_SERVERS={running.bootstrap_servers}  # for other shells")
        stop.wait()
    out.print("development broker stopped")


@kafka_app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the ledger and checkpoint topics (idempotent): explicit partitions,
    infinite retention, no compaction, replication from the settings."""
    settings = state(ctx).settings
    reports = ensure_topics(kafka_client_config(settings, require_bootstrap(settings)), topic_specs(settings))
    for report in reports:
        detail = "; ".join(report.differences)
        out.print(f"{report.name}: {report.status}{' - ' + detail if detail else ''}")
    if not all(r.ok for r in reports):
        raise CliError("topics exist with a different shape: fix them by hand, see above", ExitCode.INTEGRITY)


@kafka_app.command("check")
def check(ctx: typer.Context) -> None:
    """Check that the topics exist with the expected shape (creates nothing)."""
    settings = state(ctx).settings
    problems = check_topics(kafka_client_config(settings, require_bootstrap(settings)), topic_specs(settings))
    for problem in problems:
        line(problem, stream=err)
    if problems:
        raise CliError(f"{len(problems)} topic problem(s)", ExitCode.INTEGRITY)
    out.print("topics OK")


def relay(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Publish what is pending, then exit.")] = False,
    republish: Annotated[
        bool, typer.Option("--republish", help="Rebuild the topic: publish every event again from the store.")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=50_000, help="Events per acknowledged batch.")] = 1000,
) -> None:
    """Publish every stored event, in order, to the ledger topic (the outbox relay).

    SIGTERM or Ctrl-C stops it at once, even while it waits for a stalled broker: what
    the broker acknowledged is recorded, the rest is sent again by the next relay."""
    settings, ledger = state(ctx).settings, state(ctx).ledger
    bootstrap = require_bootstrap(settings)
    relay_ = None
    with StopSignals(interrupt=True) as stop:
        try:
            with build_relay_lock(ledger):
                relay_ = build_relay(ledger, bootstrap, batch_size)
                _publish(relay_, ledger, bootstrap, stop, once=once, republish=republish)
                return
        except StopRequested:
            if relay_ is not None:
                relay_.close(timeout=0)  # nothing unacknowledged is recorded: drop it now
    position = relay_.state.load().position if relay_ is not None else "(not started)"
    out.print(f"relay stopped by {stop.received} at ledger position {position}")


def _publish(relay_, ledger, bootstrap: str, stop: StopSignals, *, once: bool, republish: bool) -> None:
    settings = ledger.settings
    if republish:
        ensure_topics(kafka_client_config(settings, bootstrap), topic_specs(settings))
        relay_.republish()
        republish_evidence(ledger.engine)
        out.print(f"republishing every event, checkpoint and refusal from the store to {settings.ledger_topic}, "
                  f"{settings.checkpoint_topic} and {settings.refusal_topic}")  # fmt: skip
    if once:
        relay_.check()
        _drain_with_progress(relay_, settings.ledger_topic)
        _publish_evidence(ledger, bootstrap, settings.checkpoint_topic)
        return
    # follow mode checks the broker inside its retry loop: a broker that is down or stalled
    # when the relay starts is waited for; one that lost data still stops it (exit 7)
    out.print(f"relay publishing to {settings.ledger_topic} at {bootstrap}; Ctrl-C to stop")
    from entrypoints.cli.observing import chain, observability, relay_observer
    from infra.clock import system_clock
    from infra.observability.http import Health
    from infra.observability.ledger_metrics import LedgerCollector

    health, recorder = Health(), ledger.app.recorder
    collector = LedgerCollector(ledger.engine, lambda: recorder.max_notification_id() or 0, system_clock)
    with observability(settings, health, collector):
        after_drain = chain(build_checkpoint_hook(ledger, bootstrap), relay_observer(relay_, recorder, health))
        relay_.follow(stop, max_backoff=settings.relay_max_backoff_seconds, after_drain=after_drain)
    out.print(f"relay stopped at ledger position {relay_.state.load().position}")


def _publish_evidence(ledger, bootstrap: str, topic: str) -> None:
    """Checkpoints and refusals not yet on the broker (none to send without a signing key)."""
    from infra.evidence.errors import MissingSigningKey

    try:
        sent = publish_evidence(build_checkpointer(ledger, bootstrap=bootstrap))
    except MissingSigningKey:
        return
    out.print(f"published {sent} checkpoint(s) to {topic}")


def _drain_with_progress(relay_, topic: str) -> None:
    pending = relay_.pending()
    columns = (TextColumn("publishing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=pending < 5000) as progress:
        task = progress.add_task("publish", total=pending)
        sent = relay_.drain(on_batch=lambda done, _: progress.update(task, completed=done))
    out.print(f"published {sent} event(s) to {topic}; ledger position {relay_.state.load().position}")
