"""A verification run that is kept: ``verify_ledger`` timed and its outcome recorded for the
metrics and the evidence page (last result, duration, size), whoever ran it (CLI, API, page)."""

from __future__ import annotations

import time
from typing import Any

from infra.evidence.verify_runs import VerificationRun, record_run
from service.evidence.findings import Progress, VerifyReport, no_progress
from service.evidence.verifier import VerifySources, verify_ledger


def verify_and_record(ledger: Any, sources: VerifySources, *, progress: Progress = no_progress) -> VerifyReport:
    """Run ``verify_ledger`` on ``ledger`` and record the run at the ledger's clock."""
    events = ledger.app.recorder.max_notification_id() or 0
    started = time.monotonic()
    report = verify_ledger(ledger, sources, progress=progress)
    first = None if report.ok else report.first()
    problem = None if first is None else first.describe()[:1000]
    run = VerificationRun(ledger.app.clock(), time.monotonic() - started, report.ok, events, problem)
    record_run(ledger.engine, run)
    return report
