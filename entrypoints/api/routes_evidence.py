"""Tamper evidence over HTTP (OAR and auditors): checkpoints, inclusion and consistency
proofs, and verification of the store and checkpoints. Thin: each route calls one
service function, so new evidence use cases are one more route here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from entrypoints.api.auth import Caller
from entrypoints.api.context import context
from entrypoints.api.pagination import Cursor, Limit, slice_page
from entrypoints.api.responses import json_response
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.signing import configured_verifier
from service.access import Principal, require_oversight
from service.evidence.proofs import Prover
from service.evidence.verifier import verify_ledger

Size = Annotated[int, Query(ge=1)]


def evidence_router() -> APIRouter:
    router = APIRouter(tags=["evidence"])
    for path, endpoint, summary in (
        ("/checkpoints", checkpoints, "Signed checkpoints (tree size, root hash, signed note)"),
        ("/proofs/inclusion/{event_id}", inclusion, "Inclusion proof of one event in a signed checkpoint"),
        ("/proofs/consistency", consistency, "Consistency proof between two checkpoints"),
        ("/verification", verification, "Verify the store's chains, Merkle leaves and checkpoint signatures"),
    ):  # fmt: skip
        router.add_api_route(path, endpoint, methods=["GET"], summary=summary)
    return router


def _oversee(principal: Principal) -> None:
    require_oversight(principal, "evidence")


def checkpoints(request: Request, principal: Caller, cursor: Cursor = None, limit: Limit = 100) -> Response:
    _oversee(principal)
    rows = [{"size": c.size, "root_hash": c.root_hash.hex(), "time": c.time, "note": c.note, "published": c.published}
            for c in CheckpointStore(context(request).ledger.engine).all()]  # fmt: skip
    return json_response(slice_page(request, rows, cursor, limit))


def inclusion(request: Request, principal: Caller, event_id: Annotated[str, Path(max_length=64)],
              checkpoint: Annotated[int | None, Query(ge=1)] = None) -> Response:  # fmt: skip
    _oversee(principal)
    return json_response(Prover(context(request).ledger.engine).inclusion(event_id, checkpoint))


def consistency(request: Request, principal: Caller, old: Size, new: Size) -> Response:
    _oversee(principal)
    return json_response(Prover(context(request).ledger.engine).consistency(old, new))


def verification(request: Request, principal: Caller) -> Response:
    """The store, Merkle leaves and checkpoints (Kafka and projections: `oar-ledger verify`)."""
    _oversee(principal)
    ledger = context(request).ledger
    report = verify_ledger(ledger, key=configured_verifier(ledger.settings), kafka=False)
    return json_response(report.to_json(), 200 if report.ok else 409)
