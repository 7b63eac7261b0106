"""The ledger's side of witnessing: storing a witness's cosignature on a checkpoint, and
checking that the newest checkpoint carries the cosignatures an auditor requires."""

from __future__ import annotations

from typing import Any

from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.cosignature import WitnessKey, cosignature_time, note_body
from infra.evidence.errors import EvidenceError, NotCovered
from service.evidence.findings import Check, VerifyReport
from service.evidence.witness import merge_signatures


def attach_cosignature(engine: Any, cosigned_note: str) -> int:
    """Add the cosignature lines of ``cosigned_note`` to the stored checkpoint of the same
    body (republished with them); return its size."""
    lines = note_body(cosigned_note).split("\n")
    size = int(lines[1]) if len(lines) > 2 and lines[1].isdigit() else -1
    store = CheckpointStore(engine)
    stored = store.get(size)
    if stored is None:
        raise NotCovered(f"no stored checkpoint of size {size} to attach the cosignature to")
    store.replace_note(size, merge_signatures(stored.note, cosigned_note))
    return size


def verify_witnesses(engine: Any, witnesses: list[WitnessKey], required: int, report: VerifyReport) -> None:
    """The newest checkpoint must carry ``required`` valid cosignatures by ``witnesses``; an
    invalid cosignature by one of them on any checkpoint is a finding."""
    if not witnesses and not required:
        report.checks.append(Check("witnesses", "skipped", "skipped: no witness keys given (--witness)"))
        return
    sink, stored = report.sink("checkpoint"), CheckpointStore(engine).all()
    valid_on_newest = 0
    for row in stored:
        for witness in witnesses:
            try:
                cosignature_time(row.note, witness)
            except EvidenceError as problem:
                if "does not verify" in str(problem):
                    sink(None, f"witness cosignature rejected: {problem}", checkpoint=row.size)
                continue
            if row is stored[-1]:
                valid_on_newest += 1
    newest = stored[-1].size if stored else 0
    if valid_on_newest < required:
        sink(None, f"the newest checkpoint carries {valid_on_newest} of the {required} witness cosignature(s) "
             "required: no independent witness vouches for this history", checkpoint=newest)  # fmt: skip
    status = "mismatch" if valid_on_newest < required else "ok"
    report.checks.append(Check("witnesses", status, f"newest checkpoint {newest}: {valid_on_newest} valid "
                               f"cosignature(s) of {len(witnesses)} witness key(s), {required} required"))  # fmt: skip
