"""Inclusion and consistency proofs as self-contained JSON documents, built from the
ledger database and checked offline with only the public verifier key.

Inclusion proof (``"format": "oar-ledger-inclusion-proof/v1"``)::

    {"event_id", "position", "leaf_index", "tree_size",
     "leaf_data":  the leaf record (see ``infra.evidence.leaves``) as a JSON object,
     "leaf_hash":  hex SHA-256(0x00 || canonical_bytes(leaf_data)),
     "proof":      RFC 9162 PATH(leaf_index, D[0:tree_size]) hashes, leaf upwards,
     "checkpoint": the signed note of a checkpoint of size tree_size}

Consistency proof (``"format": "oar-ledger-consistency-proof/v1"``)::

    {"old_size", "new_size", "proof": RFC 9162 PROOF(old_size, D[0:new_size]),
     "old_checkpoint", "new_checkpoint": the two signed notes}

Every hash is lowercase hex (``"hash_encoding": "hex"``); note roots stay base64 as C2SP
prescribes. The verifier trusts nothing in the document but what the signature covers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from domain.canonical import canonical_bytes
from infra.evidence.checkpoint import VerifierKey, open_checkpoint
from infra.evidence.checkpoint_store import CheckpointStore, StoredCheckpoint
from infra.evidence.errors import NotCovered, ProofError, TamperError
from infra.evidence.leaves import LeafStore
from infra.evidence.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from infra.evidence.records import event_id_of

INCLUSION = "oar-ledger-inclusion-proof/v1"
CONSISTENCY = "oar-ledger-consistency-proof/v1"
LEAF_FIELDS = {"position": int, "group_id": str, "version": int, "type": str, "event_hash": str}


class Prover:
    """Builds proofs from ``merkle_leaves`` and ``checkpoints`` (never the event store)."""

    def __init__(self, engine: Engine) -> None:
        self.leaves, self.checkpoints = LeafStore(engine), CheckpointStore(engine)

    def checkpoint(self, size: int | None = None) -> StoredCheckpoint:
        found = self.checkpoints.latest() if size is None else self.checkpoints.get(size)
        if found is None:
            raise NotCovered("no checkpoint yet: run `oar-ledger checkpoint`" if size is None
                             else f"no checkpoint of size {size}")  # fmt: skip
        return found

    def tree(self, checkpoint: StoredCheckpoint) -> MerkleTree:
        """The tree of the checkpoint's size from the stored leaves, checked against its root."""
        tree = MerkleTree(h for _, _, h in self.leaves.hashes(0, checkpoint.size))
        if tree.size != checkpoint.size or tree.root() != checkpoint.root_hash:
            raise TamperError(f"merkle_leaves no longer match checkpoint {checkpoint.size}: run `oar-ledger verify`")
        return tree

    def inclusion(self, event_id: str, size: int | None = None) -> dict[str, Any]:
        stored = self.leaves.by_event_id(event_id)
        if stored is None:
            raise NotCovered(f"event {event_id} is not in the Merkle tree yet: run `oar-ledger checkpoint`")
        checkpoint = self.checkpoint(size)
        leaf = stored.leaf
        if leaf.index >= checkpoint.size:
            raise NotCovered(f"event {event_id} (leaf {leaf.index}) is newer than checkpoint {checkpoint.size}")
        path = self.tree(checkpoint).inclusion_proof(leaf.index, checkpoint.size)
        return {
            "format": INCLUSION, "hash_encoding": "hex", "event_id": leaf.event_id,
            "position": leaf.position, "leaf_index": leaf.index, "leaf_data": leaf.record(),
            "leaf_hash": leaf.hash().hex(), "tree_size": checkpoint.size,
            "proof": [h.hex() for h in path], "checkpoint": checkpoint.note,
        }  # fmt: skip

    def consistency(self, old_size: int, new_size: int) -> dict[str, Any]:
        if not 0 < old_size <= new_size:
            raise NotCovered(f"a consistency proof needs 0 < OLD <= NEW, got {old_size} {new_size}")
        old, new = self.checkpoint(old_size), self.checkpoint(new_size)
        tree = self.tree(new)
        if tree.root_at(old.size) != old.root_hash:
            raise TamperError(f"checkpoint {old.size} is not a prefix of checkpoint {new.size}")
        return {
            "format": CONSISTENCY, "hash_encoding": "hex", "old_size": old.size, "new_size": new.size,
            "proof": [h.hex() for h in tree.consistency_proof(old.size, new.size)],
            "old_checkpoint": old.note, "new_checkpoint": new.note,
        }  # fmt: skip


def verify_document(document: Any, key: VerifierKey, origin: str | None = None) -> str:
    """Check a proof document; return a one-line description, or raise an ``EvidenceError``."""
    if not isinstance(document, dict):
        raise ProofError("a proof document is a JSON object")
    try:
        kind = document.get("format")
        if kind == INCLUSION:
            return _verify_inclusion(document, key, origin)
        if kind == CONSISTENCY:
            return _verify_consistency(document, key, origin)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        raise ProofError(f"malformed proof document: {type(problem).__name__}: {problem}") from None
    raise ProofError(f"unknown proof format {kind!r}")


def _open(note: str, key: VerifierKey, origin: str | None, size: int, what: str):
    checkpoint = open_checkpoint(note, key.public_key, key.name)
    if origin is not None and checkpoint.origin != origin:
        raise ProofError(f"{what} is for origin {checkpoint.origin!r}, expected {origin!r}")
    if checkpoint.size != size:
        raise ProofError(f"{what} has tree size {checkpoint.size}, the proof claims {size}")
    return checkpoint


def _hashes(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def _verify_inclusion(doc: dict[str, Any], key: VerifierKey, origin: str | None) -> str:
    data = doc["leaf_data"]
    if set(data) != set(LEAF_FIELDS) or any(type(data[k]) is not t for k, t in LEAF_FIELDS.items()):
        raise ProofError(f"leaf_data must hold exactly {sorted(LEAF_FIELDS)} with their types")
    if data["position"] != doc["position"]:
        raise ProofError(f"leaf_data is for position {data['position']}, the proof claims {doc['position']}")
    if event_id_of(data["group_id"], data["version"]) != doc["event_id"]:
        raise ProofError(f"event id {doc['event_id']} is not that of group {data['group_id']} v{data['version']}")
    computed = leaf_hash(canonical_bytes(data))
    if computed.hex() != doc["leaf_hash"]:
        raise ProofError("leaf_data does not hash to leaf_hash: the leaf record was altered")
    size, index = int(doc["tree_size"]), int(doc["leaf_index"])
    checkpoint = _open(doc["checkpoint"], key, origin, size, "the checkpoint")
    verify_inclusion(computed, index, size, _hashes(doc["proof"]), checkpoint.root_hash)
    return (f"valid: event {doc['event_id']} (position {data['position']}, leaf {index}) is included "
            f"in checkpoint {size} of {checkpoint.origin} signed by {key.name}")  # fmt: skip


def _verify_consistency(doc: dict[str, Any], key: VerifierKey, origin: str | None) -> str:
    old_size, new_size = int(doc["old_size"]), int(doc["new_size"])
    old = _open(doc["old_checkpoint"], key, origin, old_size, "the old checkpoint")
    new = _open(doc["new_checkpoint"], key, origin, new_size, "the new checkpoint")
    if old.origin != new.origin:
        raise ProofError(f"checkpoints of different logs: {old.origin!r} and {new.origin!r}")
    verify_consistency(old_size, new_size, _hashes(doc["proof"]), old.root_hash, new.root_hash)
    return (f"valid: checkpoint {new_size} of {new.origin} extends checkpoint {old_size} "
            f"(both signed by {key.name})")  # fmt: skip
