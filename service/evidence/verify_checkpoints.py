"""Every stored checkpoint: signed by the key valid for its size (see the key set), its note
matching its row, its root recomputed from the store; and every note of the key set signed
by the outgoing and the incoming key."""

from __future__ import annotations

from typing import Any

from infra.evidence.checkpoint import VerifierKey, open_checkpoint
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.errors import EvidenceError
from infra.evidence.key_set import KeyEntry, KeySet, key_set_notes
from infra.evidence.merkle_frontier import MerkleFrontier
from service.evidence.findings import Check, VerifyReport
from service.evidence.keys import KEYS_SUFFIX, key_set_digest

Trusted = VerifierKey | list[VerifierKey] | None


def _raw(key: VerifierKey) -> bytes:
    return key.public_key.public_bytes_raw()


def _opens(note: str, key: VerifierKey) -> Any:
    try:
        return open_checkpoint(note, key.public_key, key.name)
    except EvidenceError:
        return None


def verify_checkpoints(engine: Any, tree: MerkleFrontier, key: Trusted, origin: str, report: VerifyReport) -> None:
    sink = report.sink("checkpoint")
    trusted = [] if key is None else [key] if isinstance(key, VerifierKey) else list(key)
    entries = KeySet(engine).entries()
    stored = CheckpointStore(engine).all()
    for row in stored:
        at = {"checkpoint": row.size}
        verifier = _valid_key(row.size, entries, trusted, sink, at)
        if verifier is False:
            continue
        if verifier is not None:
            try:
                signed = open_checkpoint(row.note, verifier.public_key, verifier.name)
            except EvidenceError as problem:
                sink(None, f"signed note rejected: {problem}{_retired_signer(row, entries)}", **at)
                continue
            if (signed.origin, signed.size, signed.root_hash, signed.time) != (origin, row.size, row.root_hash, row.time):
                sink(None, "signed note does not match its row (origin, size, root or time differ)", **at)
                continue
        if row.size > tree.size:
            sink(None, f"covers {row.size} events but the store now holds {tree.size} (events removed)", **at)
        elif tree.root_at(row.size) != row.root_hash:
            sink(None, f"root recomputed from the store differs from the signed root {row.root_hash.hex()[:16]}…", **at)
    _verify_key_set_notes(engine, entries, origin, sink)
    # The key set lives in the ledger's own database: without a trusted key to anchor it, a
    # rewritten history could carry its own key set, so signatures checked only against it
    # leave the checkpoints "unverified" (exit 8), never "ok".
    signatures = (f"signatures checked with the key valid for each ({len(entries)} key(s) in the key set)"
                  + ("" if trusted else ", NOT anchored to a trusted key") if entries
                  else f"signatures checked with {trusted[0].name}" if trusted
                  else "signatures NOT checked (no trusted verifier key)")  # fmt: skip
    status = "mismatch" if report.found("checkpoint") else "ok" if trusted else "unverified"
    report.checks.append(Check("checkpoints", status, f"{len(stored)} checkpoint(s): roots recomputed; {signatures}"))


def _valid_key(size: int, entries: list[KeyEntry], trusted: list[VerifierKey], sink: Any, at: dict) -> Any:
    """The key that may sign a checkpoint of ``size``; None: nothing to check with; False: reported."""
    if not entries:  # a ledger signed before key sets existed: the key given, if any
        return trusted[0] if trusted else None
    entry = next((e for e in entries if e.covers(size)), None)
    if entry is None:
        sink(None, f"no key of the key set is valid for a checkpoint of size {size}", **at)
        return False
    if trusted and _raw(entry.verifier) not in {_raw(k) for k in trusted}:
        sink(None, f"the key set's key for it ({entry.vkey.split('+')[1]}) is not one of the trusted keys", **at)
        return False
    return entry.verifier


def _retired_signer(row: Any, entries: list[KeyEntry]) -> str:
    for entry in entries:
        if not entry.covers(row.size) and _opens(row.note, entry.verifier) is not None:
            return (f"; it is signed by key {entry.ordinal} ({entry.vkey.split('+')[1]}), valid only for "
                    f"{entry.validity()}: a retired key cannot sign checkpoint {row.size}")  # fmt: skip
    return ""


def _verify_key_set_notes(engine: Any, entries: list[KeyEntry], origin: str, sink: Any) -> None:
    """Note k (k keys) is signed by keys k-1 and k and states the set as it was then."""
    for row in CheckpointStore(engine, key_set_notes).all():
        k, at = row.size, {"checkpoint": row.size}
        if not 2 <= k <= len(entries):
            sink(None, f"key set note for {k} keys, but the key set holds {len(entries)}", **at)
            continue
        for signer in (entries[k - 2], entries[k - 1]):
            signed = _opens(row.note, signer.verifier)
            if signed is None:
                sink(None, f"key set note {k} lacks a valid signature by key {signer.ordinal}", **at)
            elif (signed.origin, signed.root_hash) != (origin + KEYS_SUFFIX, key_set_digest(entries[:k])):
                sink(None, f"key set note {k} does not state the key set as recorded (keys altered)", **at)
