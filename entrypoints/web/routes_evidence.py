"""Evidence for auditors: the latest signed checkpoint, verification on demand, each
event's inclusion proof (the `oar-ledger prove` document, downloadable, with the command
a third party runs to check it) and the audit trail's exports (the CLI's bytes)."""

from __future__ import annotations

import io
import json
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from entrypoints.api.context import context
from entrypoints.exports import MEDIA_TYPES, ExportFormat, write_export
from entrypoints.web.errors import page
from entrypoints.web.session import signed_in
from entrypoints.web.templating import render
from domain.errors import NotFound
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.errors import EvidenceError
from infra.evidence.signing import configured_verifier, load_signer
from infra.evidence.verify_runs import last_run
from projections.queries import audit_rows, group_id_of
from service.access import require_oversight
from service.evidence.bundle import bundle_keys, evidence_bundle
from service.evidence.proofs import Prover
from service.evidence.recorded_verify import verify_and_record
from service.evidence.verifier import VerifySources

EventId = Annotated[str, Path(max_length=64)]


def evidence_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/evidence", page(evidence), methods=["GET"])
    router.add_api_route("/evidence/events/{event_id}", page(event_evidence), methods=["GET"])
    router.add_api_route("/evidence/events/{event_id}/proof.json", page(proof_download), methods=["GET"])
    router.add_api_route("/evidence/events/{event_id}/bundle.json", page(bundle_download), methods=["GET"])
    router.add_api_route("/exports/audit.{fmt}", page(export), methods=["GET"])
    return router


def _verifier_key(settings) -> str | None:
    if settings.verifier_key:
        return settings.verifier_key
    try:
        return load_signer(settings).verifier_key()
    except EvidenceError:
        return None


def evidence(request: Request, verify: bool = False) -> Response:
    """The latest checkpoint and the last recorded verification; ``verify`` runs one now (the
    store, leaves, checkpoints, refusal log) and records it like `oar-ledger verify` does."""
    require_oversight(signed_in(request), "evidence")
    ledger = context(request).ledger
    latest = CheckpointStore(ledger.engine).latest()
    report = None
    if verify:
        report = verify_and_record(ledger, VerifySources(key=configured_verifier(ledger.settings), kafka=False)).to_json()
    return render(request, "evidence.html", latest=latest, report=report, checked_at=ledger.app.clock() if verify else None,
                  last=last_run(ledger.engine), vkey=_verifier_key(ledger.settings))  # fmt: skip


def _proof(request: Request, event_id: str) -> dict:
    require_oversight(signed_in(request), "evidence")
    return Prover(context(request).ledger.engine).inclusion(event_id, None)


def event_evidence(request: Request, event_id: EventId) -> Response:
    document = _proof(request, event_id)
    ledger = context(request).ledger
    keys = bundle_keys(ledger.engine, configured_verifier(ledger.settings))
    return render(request, "event_evidence.html", proof=document, event_id=event_id, keys=keys,
                  vkey=_verifier_key(ledger.settings))  # fmt: skip


def proof_download(request: Request, event_id: EventId) -> Response:
    """The bytes `oar-ledger prove EVENT_ID --out FILE` writes."""
    text = json.dumps(_proof(request, event_id), indent=2, ensure_ascii=False) + "\n"
    return Response(text.encode(), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="proof-{event_id}.json"'})  # fmt: skip


def bundle_download(request: Request, event_id: EventId) -> Response:
    """The bytes `oar-ledger prove EVENT_ID --bundle FILE` writes: what a third party checks
    with `tools/check_bundle.py` and nothing else."""
    require_oversight(signed_in(request), "evidence")
    ledger = context(request).ledger
    found = evidence_bundle(ledger, event_id, configured_verifier(ledger.settings), None)
    text = json.dumps(found, indent=2, ensure_ascii=False) + "\n"
    return Response(text.encode(), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="evidence-{event_id}.json"'})  # fmt: skip


def export(request: Request, fmt: ExportFormat, group: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """The bytes `oar-ledger audit export --format FMT [--group G] --out FILE` writes."""
    require_oversight(signed_in(request), "the audit trail")
    buffer = io.StringIO(newline="")
    with context(request).projections.connect() as connection:
        group_id = None
        if group:
            group_id = group_id_of(connection, group)
            if group_id is None:
                raise NotFound("group", f"{group} in the read models")
        write_export(fmt, audit_rows(connection, group_id), buffer)
    name = f"audit-{group}.{fmt.value}" if group else f"audit.{fmt.value}"
    return Response(buffer.getvalue().encode("utf-8"), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
