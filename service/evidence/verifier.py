"""``verify_ledger``: the event store, its Merkle leaves and checkpoints, the ledger topic and
(optionally) a projection's audit trail, checked against each other.

Read-only. The report lists every disagreement found (``report.first()`` is the lowest
ledger position) and a summary line per thing checked, skipped ones included.
"""

from __future__ import annotations

import socket
from typing import Any

from kafka.errors import KafkaError

from service.evidence.audit_trail import AuditTrailSource, verify_audit_trail
from infra.evidence.checkpoint import VerifierKey
from service.evidence.findings import Check, Progress, VerifyReport, no_progress
from infra.evidence.signing import checkpoint_origin
from service.evidence.verify_kafka import verify_topic
from service.evidence.verify_store import verify_checkpoints, verify_store
from infra.kafka.config import kafka_client_config
from infra.kafka.relay_state import RelayStateStore


def verify_ledger(
    ledger: Any, *, key: VerifierKey | None = None, bootstrap: str | None = None, kafka: bool = True,
    audit_trail: AuditTrailSource | None = None, progress: Progress = no_progress, batch_size: int = 1000,
) -> VerifyReport:  # fmt: skip
    """Check ``ledger`` (a ``bootstrap.Ledger``); ``key`` verifies checkpoint signatures,
    ``bootstrap`` is the broker holding the ledger topic (None: Kafka not checked)."""
    settings, recorder, engine = ledger.settings, ledger.app.recorder, ledger.engine
    report = VerifyReport()
    total = recorder.max_notification_id() or 0
    tree = verify_store(recorder, engine, report, progress("store: chains and Merkle leaves", total), batch_size)
    verify_checkpoints(engine, tree, key, checkpoint_origin(settings), report)
    if not kafka:
        report.checks.append(Check("kafka", "skipped", "skipped (--no-kafka)"))
    elif bootstrap is None:
        report.checks.append(Check("kafka", "skipped", "skipped: no broker configured or running"))
    else:
        _verify_kafka(ledger, bootstrap, report, progress("kafka: topic vs store", total))
    if audit_trail is None:
        report.checks.append(Check("audit trail", "skipped", "skipped: no audit trail source given"))
    else:
        verify_audit_trail(audit_trail, recorder, report, progress("audit trail vs store", total))
    return report


def _verify_kafka(ledger: Any, bootstrap: str, report: VerifyReport, advance: Any) -> None:
    settings, topic = ledger.settings, ledger.settings.ledger_topic
    published = RelayStateStore(ledger.engine, topic).load().position
    if not _accepts_connections(bootstrap):
        report.checks.append(Check("kafka", "skipped", f"skipped: broker at {bootstrap} unreachable"))
        return
    try:
        verify_topic(kafka_client_config(settings, bootstrap), topic, ledger.app.recorder, published, report, advance)
    except LookupError as problem:
        if published:
            report.sink("kafka")(None, f"{problem}, yet the relay had published up to position {published}")
            report.checks.append(Check("kafka", "mismatch", f"topic {topic} is gone"))
        else:
            report.checks.append(Check("kafka", "skipped", f"skipped: {problem}"))
    except (KafkaError, TimeoutError, OSError) as problem:
        report.checks.append(Check("kafka", "skipped", f"skipped: broker at {bootstrap} unreachable ({problem})"))


def _accepts_connections(bootstrap: str, timeout: float = 2.0) -> bool:
    """Cheap pre-check: a client would spend its whole bootstrap timeout on a refusal."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().split("://")[-1].rpartition(":")
        try:
            with socket.create_connection((host.strip("[]") or "localhost", int(port or 9092)), timeout=timeout):
                return True
        except (OSError, ValueError):
            continue
    return False
