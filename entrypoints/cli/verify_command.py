"""``oar-ledger verify``: the event store, the Merkle leaves and signed checkpoints, the ledger
topic and the projections' audit trail checked against each other; each run is recorded for
the metrics (last result and duration)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from entrypoints.cli.context import CliState, state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.evidence_commands import JsonFlag, KeyOption
from entrypoints.cli.evidence_support import evidence_errors, say
from entrypoints.render import err, print_json
from infra.evidence.cosignature import parse_witness_key
from infra.evidence.signing import configured_verifier, read_verifier_key
from service.evidence.audit_trail import ProjectionAuditTrail

PROGRESS_FROM = 5000
"""Ledgers with at least this many events get a progress bar (on stderr)."""


def audit_trail_source(cli: CliState) -> ProjectionAuditTrail:
    """The projections' audit trail checked by ``verify`` (their engine closes with the ledger)."""
    from bootstrap import build_projection_engine

    engine = build_projection_engine(cli.settings)
    cli.ledger.closers.append(engine.dispose)
    return ProjectionAuditTrail(engine)


class _Bars:
    """``progress(label, total)`` for ``verify_ledger``: a rich bar per stage, on stderr."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def __call__(self, label: str, total: int | None) -> Callable[[int], None]:
        task = self.progress.add_task(label, total=total)
        return lambda n: self.progress.advance(task, n)


def verify(
    ctx: typer.Context,
    no_kafka: Annotated[bool, typer.Option("--no-kafka", help="Do not compare with the ledger topic.")] = False,
    key: KeyOption = None,
    witness: Annotated[list[str] | None, typer.Option("--witness", help="A trusted witness key (repeatable).")] = None,
    witnesses: Annotated[int, typer.Option(min=0, help="Require this many witness cosignatures on the newest checkpoint.")] = 0,
    json_flag: JsonFlag = False,
) -> None:
    """Check the event store (hash chains), the Merkle leaves and signed checkpoints, the
    refusal log, the relay's refusals, the ledger topic, the projections' audit trail and every
    read-model row against each other; exit 7 on any mismatch, naming the first position where
    they disagree; exit 8 when no trusted verifier key (--key, OAR_VERIFIER_KEY or the local
    signing key) checked the checkpoint signatures."""
    from service.evidence.recorded_verify import verify_and_record
    from service.evidence.verifier import VerifySources
    from infra.kafka.runtime import bootstrap_servers

    cli = state(ctx)
    with evidence_errors():
        verifier = [read_verifier_key(k) for k in key] if key else configured_verifier(cli.settings)
        witness_keys = [parse_witness_key(w) for w in witness or []]
    ledger = cli.ledger
    total = ledger.app.recorder.max_notification_id() or 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=total < PROGRESS_FROM) as progress:
        trail = audit_trail_source(cli)
        sources = VerifySources(
            key=verifier, bootstrap=None if no_kafka else bootstrap_servers(cli.settings), kafka=not no_kafka,
            audit_trail=trail, read_models=trail.engine, witnesses=tuple(witness_keys), required_witnesses=witnesses,
        )  # fmt: skip
        report = verify_and_record(ledger, sources, progress=_Bars(progress))
    if json_flag or cli.json_output:
        print_json(report.to_json())
    else:
        for line in report.lines():
            say(line)
    if not report.ok:
        first = report.first()
        raise CliError(f"MISMATCH at {first.describe() if first else 'unknown'}", ExitCode.INTEGRITY)
    if not report.verified:
        raise CliError("UNVERIFIED: no trusted verifier key checked the checkpoint signatures; pass --key "
                       "(see `oar-ledger keys public`) or set OAR_VERIFIER_KEY", ExitCode.UNVERIFIED)  # fmt: skip

