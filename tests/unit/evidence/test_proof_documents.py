"""Proof documents are checked offline: every field the verifier relies on is bound by the
signature or the Merkle path, so altering any of them is rejected."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.canonical import canonical_bytes
from infra.evidence.checkpoint import Checkpoint, VerifierKey, sign_checkpoint
from infra.evidence.errors import EvidenceError, ProofError, SignatureError
from infra.evidence.leaves import Leaf
from infra.evidence.merkle import MerkleTree
from service.evidence.proofs import CONSISTENCY, INCLUSION, verify_document
from infra.evidence.records import event_id_of

pytestmark = pytest.mark.unit

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
NAME = "oar-ledger"
VKEY = VerifierKey(NAME, KEY.public_key())
ORIGIN = "oar-ledger.alumni.cern/oar.ledger.v1"
WHEN = datetime(2025, 6, 1, 12, tzinfo=UTC)
GROUP = "2af6a4a4-0b46-5357-aa37-d4d4067a33a2"


def leaves(n: int) -> list[Leaf]:
    # positions with a gap after 5, as PostgreSQL can leave
    return [Leaf(i, i + 1 + (3 if i > 4 else 0), GROUP, i + 1, "GroupApproved.v1", f"{i:064x}") for i in range(n)]


def note(tree: MerkleTree, size: int) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, tree.root_at(size), WHEN), KEY, NAME)


def inclusion(index: int = 6, size: int = 11) -> dict:
    all_leaves = leaves(size)
    tree = MerkleTree(f.hash() for f in all_leaves)
    leaf = all_leaves[index]
    return {
        "format": INCLUSION, "hash_encoding": "hex", "event_id": leaf.event_id, "position": leaf.position,
        "leaf_index": index, "leaf_data": leaf.record(), "leaf_hash": leaf.hash().hex(), "tree_size": size,
        "proof": [h.hex() for h in tree.inclusion_proof(index, size)], "checkpoint": note(tree, size),
    }  # fmt: skip


def consistency(old: int = 5, new: int = 11) -> dict:
    tree = MerkleTree(f.hash() for f in leaves(new))
    return {
        "format": CONSISTENCY, "old_size": old, "new_size": new,
        "proof": [h.hex() for h in tree.consistency_proof(old, new)],
        "old_checkpoint": note(tree, old), "new_checkpoint": note(tree, new),
    }  # fmt: skip


def test_leaf_data_is_the_canonical_record():
    leaf = leaves(7)[6]
    assert leaf.data() == canonical_bytes(
        {"event_hash": f"{6:064x}", "group_id": GROUP, "position": 10, "type": "GroupApproved.v1", "version": 7}
    )
    assert leaf.data().startswith(b'{"event_hash":') and b" " not in leaf.data()
    assert leaf.event_id == event_id_of(GROUP, 7)


@pytest.mark.parametrize("index", range(11))
def test_a_valid_inclusion_proof_verifies(index):
    assert verify_document(inclusion(index), VKEY, ORIGIN).startswith(f"valid: event {leaves(11)[index].event_id}")


def test_a_valid_consistency_proof_verifies():
    assert "extends checkpoint 5" in verify_document(consistency(), VKEY, ORIGIN)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d["leaf_data"].update(event_hash="f" * 64), "does not hash to leaf_hash"),
        (lambda d: d.update(leaf_index=7), "does not lead to the given root"),
        (lambda d: d.update(position=99), "the proof claims 99"),
        (lambda d: d.update(event_id=event_id_of(GROUP, 1)), "is not that of group"),
        (lambda d: d.update(tree_size=10), "has tree size 11, the proof claims 10"),
        (lambda d: d["proof"].pop(), "too short"),
        (lambda d: d["proof"].__setitem__(0, "00" * 32), "does not lead to the given root"),
        (lambda d: d["leaf_data"].update(extra=1), "exactly"),
        (lambda d: d["leaf_data"].update(version="7"), "exactly"),
        (lambda d: d.update(checkpoint=d["checkpoint"].replace("\n11\n", "\n12\n")), "does not verify"),
        (lambda d: d["proof"].__setitem__(0, "zz"), "malformed"),
        (lambda d: d.pop("proof"), "malformed"),
        (lambda d: d.update(format="other"), "unknown proof format"),
    ],
)
def test_an_altered_inclusion_proof_is_rejected(change, error):
    document = copy.deepcopy(inclusion())
    change(document)
    with pytest.raises(EvidenceError, match=error):
        verify_document(document, VKEY, ORIGIN)


def test_another_key_or_origin_is_rejected():
    other = VerifierKey(NAME, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(SignatureError):
        verify_document(inclusion(), other)
    with pytest.raises(ProofError, match="expected 'elsewhere'"):
        verify_document(inclusion(), VKEY, "elsewhere")


def test_an_altered_consistency_proof_is_rejected():
    document = consistency()
    document["new_checkpoint"], document["new_size"] = consistency(5, 10)["new_checkpoint"], 10
    with pytest.raises(ProofError):
        verify_document(document, VKEY)
