"""``verify_ledger``: the event store, its Merkle leaves and checkpoints, the ledger topic and
(optionally) a projection's audit trail, checked against each other.

Read-only. The report lists every disagreement found (``report.first()`` is the lowest
ledger position) and a summary line per thing checked, skipped ones included.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from kafka.errors import KafkaError
from sqlalchemy import Engine

from service.evidence.audit_trail import AuditTrailSource, verify_audit_trail
from infra.evidence.checkpoint import VerifierKey
from infra.evidence.cosignature import WitnessKey
from service.evidence.findings import Check, Progress, VerifyReport, no_progress
from infra.evidence.signing import checkpoint_origin
from service.evidence.verify_kafka import verify_topic
from service.evidence.verify_refusal_topic import verify_refusal_topic
from service.evidence.verify_refusals import verify_refusals
from service.evidence.cosigned import verify_witnesses
from service.evidence.verify_checkpoints import verify_checkpoints
from service.evidence.verify_store import verify_store
from service.evidence.verify_read_models import verify_read_models
from infra.kafka.config import kafka_client_config
from infra.kafka.relay_state import RelayStateStore


@dataclass(frozen=True)
class VerifySources:
    """What ``verify_ledger`` checks the store against, besides itself.

    ``key``: the trusted verifier key(s) for checkpoint signatures (None: the key set's, or
    unchecked); ``bootstrap``: the broker holding the ledger topic (None: Kafka not checked),
    ``kafka=False`` skips it on purpose; ``audit_trail``: a projection's audit trail;
    ``read_models``: a projection database whose every row is compared with a fold of the
    stored events; ``witnesses``: trusted witness keys, ``required_witnesses`` of which must
    have cosigned the newest checkpoint. Without a trusted ``key`` the checkpoints are
    "unverified" (``report.verified`` is False)."""

    key: VerifierKey | list[VerifierKey] | None = None
    bootstrap: str | None = None
    kafka: bool = True
    audit_trail: AuditTrailSource | None = None
    read_models: Engine | None = None
    witnesses: tuple[WitnessKey, ...] = ()
    required_witnesses: int = 0


def verify_ledger(ledger: Any, sources: VerifySources = VerifySources(), *, progress: Progress = no_progress,
                  batch_size: int = 1000) -> VerifyReport:  # fmt: skip
    """Check ``ledger`` (a ``bootstrap.Ledger``) against itself and ``sources``."""
    settings, recorder, engine = ledger.settings, ledger.app.recorder, ledger.engine
    key, kafka, bootstrap, audit_trail = sources.key, sources.kafka, sources.bootstrap, sources.audit_trail
    read_models = sources.read_models
    report = VerifyReport()
    total = recorder.max_notification_id() or 0
    tree = verify_store(recorder, engine, report, progress("store: chains and Merkle leaves", total), batch_size)
    verify_checkpoints(engine, tree, key, checkpoint_origin(settings), report)
    verify_refusals(engine, key, checkpoint_origin(settings), report)
    verify_witnesses(engine, list(sources.witnesses), sources.required_witnesses, report)
    _report_refusals(RelayStateStore(engine, settings.ledger_topic), report)
    if not kafka:
        report.checks.append(Check("kafka", "skipped", "skipped (--no-kafka)"))
    elif bootstrap is None:
        report.checks.append(Check("kafka", "skipped", "skipped: no broker configured or running"))
    else:
        _verify_kafka(ledger, bootstrap, report, progress("kafka: topic vs store", total))
    if audit_trail is None:
        report.checks.append(Check("audit trail", "skipped", "skipped: no audit trail source given"))
    else:
        verify_audit_trail(audit_trail, recorder, report, progress("audit trail vs store", total), stored=tree.size)
    if read_models is None:
        report.checks.append(Check("read models", "skipped", "skipped: no projection database given"))
    else:
        verify_read_models(read_models, recorder, report, progress("read models vs a fold of the store", total),
                           batch_size)  # fmt: skip
    return report


def _report_refusals(state: RelayStateStore, report: VerifyReport) -> None:
    """An event the broker refused for good is not on the topic until a later start of the
    relay published it (the refusal is then resolved): each unresolved one is a finding."""
    sink = report.sink("relay")
    refusals = state.refusals(unresolved=True)
    for refusal in refusals:
        sink(refusal.position, f"refused by the broker, not published (the relay stops on it): {refusal.error}",
             group_id=refusal.group_id)  # fmt: skip
    summary = f"{len(refusals)} event(s) refused by the broker, unresolved" if refusals else "no unresolved refusal"
    report.checks.append(Check("relay refusals", "mismatch" if refusals else "ok", summary))


def _verify_kafka(ledger: Any, bootstrap: str, report: VerifyReport, advance: Any) -> None:
    settings, topic = ledger.settings, ledger.settings.ledger_topic
    published = RelayStateStore(ledger.engine, topic).load().position
    if not _accepts_connections(bootstrap):
        report.checks.append(Check("kafka", "skipped", f"skipped: broker at {bootstrap} unreachable"))
        return
    try:
        verify_topic(kafka_client_config(settings, bootstrap), topic, ledger.app.recorder, published, report, advance)
        verify_refusal_topic(kafka_client_config(settings, bootstrap), settings.refusal_topic, ledger.engine, report)
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
