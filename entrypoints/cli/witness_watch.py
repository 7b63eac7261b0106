"""`witness watch`: the witness as a long-running service. Each pass decides the cosigning
requests dropped in the exchange folder (service/evidence/witness_watch.py), logs one line
per decision (JSON with ``OAR_LOG_FORMAT=json``), counts them, and keeps /healthz and
/readyz (``OAR_METRICS_PORT``) up to date; SIGTERM or Ctrl-C stops it between passes."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from infra.observability import metrics
from infra.observability.http import Health
from infra.settings import Settings
from service.evidence.witness import load_state
from service.evidence.witness_watch import Decision, WitnessNotReady, watch_pass
from service.stopping import StopSignals

log = logging.getLogger("oar.witness")


def run_watch(settings: Settings, directory: Path, exchange: Path, interval: float, settle: float) -> str:
    """Watch until SIGTERM/SIGINT; return the name of the signal that stopped it."""
    from entrypoints.cli.observing import observability

    health = Health(ready_within=max(60.0, 3 * interval + 30))
    with StopSignals() as stop, observability(settings, health, registry=metrics.WITNESS_REGISTRY):
        log.info("witness watching %s (state in %s) every %ss", exchange, directory, interval,
                 extra={"exchange": str(exchange), "witness_dir": str(directory)})  # fmt: skip
        problem: str | None = None
        while not stop.is_set():
            problem = _one_pass(directory, exchange, settle, health, problem)
            stop.wait(interval)
    log.info("witness stopped by %s", stop.received)
    return stop.received or "stop"


def _one_pass(directory: Path, exchange: Path, settle: float, health: Health, problem: str | None) -> str | None:
    """One look at the exchange folder; returns the current problem (logged once when it starts)."""
    try:
        decisions = watch_pass(directory, exchange, int(datetime.now(UTC).timestamp()), time.time(), settle)
    except (WitnessNotReady, OSError) as error:
        reason = str(error)
        health.not_ready(reason)
        if reason != problem:
            log.warning("witness not ready: %s", reason, extra={"reason": reason})
        return reason
    for decision in decisions:
        _report(decision)
    metrics.WITNESS_SIZE.set(load_state(directory).size)  # loaded by the pass just now
    metrics.WITNESS_PASS_TIME.set(time.time())
    health.worked()
    if problem is not None:
        log.info("witness ready again")
    return None


def _report(decision: Decision) -> None:
    metrics.WITNESS_REQUESTS.labels(decision.outcome).inc()
    fields = {"decision": decision.outcome, "request": decision.request, "sha256": decision.sha256,
              "output": decision.output, "size": decision.size, "reason": decision.reason}  # fmt: skip
    if decision.outcome == "cosigned":
        log.info("cosigned %s: checkpoint %s, written to %s", decision.request, decision.size, decision.output,
                 extra=fields)  # fmt: skip
    else:
        log.warning("refused %s: %s (why in %s)", decision.request, decision.reason, decision.output, extra=fields)
