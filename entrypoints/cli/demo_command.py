"""``oar-ledger demo``: run the demo year against the configured ledger, publish it."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import typer

from bootstrap import build_ledger, build_relay, build_relay_lock
from entrypoints.cli.context import state
from entrypoints.render import out
from infra.redaction import redact_url
from infra.clock import SimulatedClock
from entrypoints.demo.script import DemoRun
from entrypoints.demo.evidence import checkpoint_and_verify
from entrypoints.demo.projection import demo_flags, print_audit_sample, project_demo
from entrypoints.demo.summary import print_summary
from entrypoints.demo.year import run_year
from service.evidence.service import republish_evidence
from service.publishing import publish_pending
from infra.kafka.runtime import broker_on_demand

REVIEW_DATE = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


def demo(ctx: typer.Context) -> None:
    """Record a realistic year (2024-2025) of several groups, refusals included, publish
    it to Kafka (starting the development broker if none is configured), and summarise.

    Each run uses fresh group slugs (a random suffix), so running it twice is safe:
    the second run adds a second set of groups to the same ledger.
    """
    settings = state(ctx).settings
    clock = SimulatedClock(REVIEW_DATE)
    ledger = build_ledger(settings, clock)
    try:
        out.print(f"Recording the demo year into {redact_url(settings.database_url) or settings.sqlite_path} ...")
        run = DemoRun(app=ledger.app, clock=clock, suffix=secrets.token_hex(2))
        run_year(run)
        clock.set(REVIEW_DATE)
        with broker_on_demand(settings) as (bootstrap, ephemeral):
            _publish(ledger, bootstrap, ephemeral)
            engine = project_demo(settings, bootstrap, fresh_topic=ephemeral)
            try:
                rows = print_summary(run, REVIEW_DATE, demo_flags(engine, REVIEW_DATE, run.groups))
                print_audit_sample(engine, run.slug("cms-alumni"))
                verified = checkpoint_and_verify(ledger, bootstrap, engine)
            finally:
                engine.dispose()
        if [row[0] for row in rows if not any(row[2:])] or not verified:
            raise typer.Exit(code=1)
    finally:
        ledger.close()


def _publish(ledger, bootstrap: str, ephemeral: bool) -> None:
    sent, position = publish_pending(build_relay(ledger, bootstrap), build_relay_lock(ledger), ephemeral_broker=ephemeral,
                                    on_republish=lambda: republish_evidence(ledger.engine))
    out.print(f"Published {sent} event(s) to Kafka topic {ledger.settings.ledger_topic} at {bootstrap} "
              f"(ledger position {position}).")  # fmt: skip
