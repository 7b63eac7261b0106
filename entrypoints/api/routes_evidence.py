"""Tamper evidence over HTTP (OAR and auditors): checkpoints (with the key that signed each
and its cosigners), the key set, inclusion and consistency proofs, an event's evidence bundle,
and verification of the store, checkpoints, refusal log and witness cosignatures. Thin: each
route calls one service function (``service/evidence``)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from entrypoints.api.auth import Caller
from entrypoints.api.context import context
from entrypoints.api.pagination import Cursor, Limit, slice_page
from entrypoints.api.problems import ApiProblem
from entrypoints.api.responses import json_response
from infra.evidence.cosignature import parse_witness_key
from infra.evidence.errors import EvidenceError
from infra.evidence.signing import configured_verifier
from service.access import Principal, require_oversight
from service.evidence.bundle import evidence_bundle
from service.evidence.checkpoint_list import list_checkpoints
from service.evidence.keys import key_set_rows
from service.evidence.proofs import Prover
from service.evidence.recorded_verify import verify_and_record
from service.evidence.verifier import VerifySources

EventId = Annotated[str, Path(max_length=64)]
AtCheckpoint = Annotated[int | None, Query(ge=1, description="Checkpoint size (default: the newest)")]


def add_evidence_routes(router: APIRouter) -> None:
    add = partial(router.add_api_route, tags=["evidence"], methods=["GET"])
    for path, endpoint, summary in (
        ("/checkpoints", checkpoints, "Signed checkpoints: size, time, root, signed note, signing key, cosigners"),
        ("/keys", keys, "The key set: every verifier key and the checkpoints it may sign"),
        ("/proofs/inclusion/{event_id}", inclusion, "Inclusion proof of one event in a signed checkpoint"),
        ("/proofs/consistency", consistency, "Consistency proof between two checkpoints (old 0: the empty tree)"),
        ("/events/{event_id}/evidence-bundle", bundle, "One event's self-contained evidence bundle "
                                                       "(check it with tools/check_bundle.py)"),
        ("/verification", verification, "Verify the store's chains, Merkle leaves, checkpoints, refusal log "
                                        "and witness cosignatures"),
    ):  # fmt: skip
        add(path, endpoint, summary=summary)


def _oversee(principal: Principal) -> None:
    require_oversight(principal, "evidence")


def checkpoints(request: Request, principal: Caller, cursor: Cursor = None, limit: Limit = 100) -> Response:
    _oversee(principal)
    return json_response(slice_page(request, list_checkpoints(context(request).ledger.engine), cursor, limit))


def keys(request: Request, principal: Caller) -> Response:
    _oversee(principal)
    return json_response({"items": key_set_rows(context(request).ledger.engine)})


def inclusion(request: Request, principal: Caller, event_id: EventId, checkpoint: AtCheckpoint = None) -> Response:
    _oversee(principal)
    return json_response(Prover(context(request).ledger.engine).inclusion(event_id, checkpoint))


def consistency(request: Request, principal: Caller, old: Annotated[int, Query(ge=0)],
                new: Annotated[int, Query(ge=1)]) -> Response:  # fmt: skip
    """From ``old`` to ``new`` (stored checkpoint sizes; a size that is not one is a 404 naming
    the nearest); ``old`` 0 is the empty tree, consistent with any tree (an empty proof)."""
    _oversee(principal)
    return json_response(Prover(context(request).ledger.engine).consistency(old, new))


def bundle(request: Request, principal: Caller, event_id: EventId, checkpoint: AtCheckpoint = None) -> Response:
    """The event as published, its canonical bytes, leaf, inclusion proof, signed checkpoint,
    consistency proof to the newest checkpoint and every verifier key: `oar-ledger prove
    EVENT_ID --bundle FILE` over HTTP."""
    _oversee(principal)
    ledger = context(request).ledger
    found = evidence_bundle(ledger, event_id, configured_verifier(ledger.settings), checkpoint)
    disposition = {"Content-Disposition": f'attachment; filename="evidence-{found["event_id"]}.json"'}
    return json_response(found, headers=disposition)


def verification(request: Request, principal: Caller,
                 witness: Annotated[list[str] | None, Query(max_length=20, description="A trusted witness key")] = None,
                 witnesses: Annotated[int, Query(ge=0, le=20, description="Cosignatures required on the newest "
                                                 "checkpoint")] = 0) -> Response:  # fmt: skip
    """The store, Merkle leaves, checkpoints, refusal log and witnesses (Kafka and projections:
    `oar-ledger verify`); on any mismatch a 409 problem document naming the first, with the report."""
    _oversee(principal)
    ledger = context(request).ledger
    try:
        witness_keys = tuple(parse_witness_key(w) for w in witness or [])
    except EvidenceError as problem:
        raise ApiProblem(400, "validation", "Invalid witness key", f"witness: {problem}", field="witness") from None
    sources = VerifySources(key=configured_verifier(ledger.settings), kafka=False, witnesses=witness_keys,
                            required_witnesses=witnesses)  # fmt: skip
    report = verify_and_record(ledger, sources)
    if not report.ok:  # a problem document (RFC 9457) carrying the whole report
        first = report.first()
        raise ApiProblem(409, "integrity", "Verification found a mismatch",
                         f"first mismatch: {first.describe() if first else 'unknown'}", **report.to_json())  # fmt: skip
    return json_response(report.to_json())
