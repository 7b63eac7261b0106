"""Verifying the refusal log: every refusal sealed in the chain, unchanged, none deleted or
inserted, and every refusal checkpoint signed and matching the chain (a deleted tail too)."""

from __future__ import annotations

from typing import Any

from domain.canonical import GENESIS_HASH
from infra.evidence.checkpoint import VerifierKey, open_checkpoint
from infra.evidence.checkpoint_store import CheckpointStore, refusal_checkpoints
from infra.evidence.errors import EvidenceError
from infra.evidence.key_set import KeySet
from infra.store.refusal_chain import ChainLink, chain_links, refusal_hash
from service.evidence.findings import Check, VerifyReport
from service.evidence.refusals import refusal_origin, refusal_rows, refusal_tree


def verify_refusals(engine: Any, key: VerifierKey | list[VerifierKey] | None, ledger_origin: str,
                    report: VerifyReport) -> None:  # fmt: skip
    sink = report.sink("refusals")
    with engine.connect() as connection:
        links = chain_links(connection)
    rows = refusal_rows(engine)
    _check_chain(links, rows, sink)
    for log_id, refusal in sorted(rows.items()):
        sink(None, f"refusal log row {log_id} ({refusal.command} by {refusal.actor_id} on {refusal.group_slug}) is "
             "not sealed in the refusal chain (inserted afterwards?)")  # fmt: skip
    trusted = [] if key is None else [key] if isinstance(key, VerifierKey) else list(key)
    keys = trusted or [entry.verifier for entry in KeySet(engine).entries()]
    stored = _check_checkpoints(engine, links, keys, refusal_origin(ledger_origin), sink)
    status = "mismatch" if report.found("refusals") else "ok" if trusted else "unverified"
    signatures = "" if trusted else "; signatures NOT checked against a trusted key" if keys else \
        "; signatures NOT checked (no trusted verifier key)"
    report.checks.append(Check("refusals", status, f"{len(links)} refusal(s) chained and rehashed, "
                               f"{stored} refusal checkpoint(s) checked{signatures}"))  # fmt: skip


def _check_chain(links: list[ChainLink], rows: dict[int, Any], sink: Any) -> None:
    """Links in sequence, each to the previous hash, each refusal as it was sealed (consumes ``rows``)."""
    previous, expected = GENESIS_HASH, 1
    for link in links:
        at = {"refusal": link.sequence}
        if link.sequence != expected:
            sink(None, f"refusals {expected}..{link.sequence - 1} are missing from the chain (deleted)", **at)
        elif link.previous_hash != previous:
            sink(None, f"does not link to the hash of refusal {link.sequence - 1} (chain rewritten)", **at)
        refusal = rows.pop(link.refusal_id, None)
        if refusal is None:
            sink(None, f"sealed in the chain but deleted from the refusal log (log row {link.refusal_id})", **at)
        elif refusal_hash(link.sequence, link.previous_hash, refusal) != link.refusal_hash:
            sink(None, f"edited after it was logged: log row {link.refusal_id} ({refusal.command} by "
                 f"{refusal.actor_id}) no longer hashes to its sealed refusal_hash", **at)  # fmt: skip
        previous, expected = link.refusal_hash, link.sequence + 1


def _check_checkpoints(engine: Any, links: list[ChainLink], keys: list[VerifierKey], origin: str, sink: Any) -> int:
    tree = refusal_tree(links)
    stored = CheckpointStore(engine, refusal_checkpoints).all()
    for row in stored:
        at = {"checkpoint": row.size}
        what = f"refusal checkpoint {row.size}: "
        if keys:
            signed = _signed(row.note, keys)
            if signed is None:
                sink(None, f"{what}signed note rejected: no valid signature by a known key", **at)
                continue
            if (signed.origin, signed.size, signed.root_hash) != (origin, row.size, row.root_hash):
                sink(None, f"{what}signed note does not match its row", **at)
                continue
        if row.size > tree.size:
            sink(None, f"{what}covers {row.size} refusals but the chain now holds {tree.size} (refusals deleted)", **at)
        elif tree.root_at(row.size) != row.root_hash:
            sink(None, f"{what}the chain's root differs from the signed root (refusals rewritten)", **at)
    return len(stored)


def _signed(note: str, keys: list[VerifierKey]) -> Any:
    """The refusal log's checkpoints are signed by whichever key was active: any known key."""
    for key in keys:
        try:
            return open_checkpoint(note, key.public_key, key.name)
        except EvidenceError:
            continue
    return None
