"""Generated proofs verify against earlier roots; tampered ones do not."""

from __future__ import annotations

import hashlib
import random

import pytest

from infra.evidence.errors import ProofError
from infra.evidence.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.unit


def _tree(size: int) -> MerkleTree:
    tree = MerkleTree()
    for i in range(size):
        tree.append_data(i.to_bytes(4, "big"))
    return tree


def _naive_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH by its recursive definition, as an independent oracle."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(_naive_root(leaves[:k]), _naive_root(leaves[k:]))


def _flip(proof: list[bytes], i: int) -> list[bytes]:
    tampered = list(proof)
    tampered[i] = bytes([tampered[i][0] ^ 1]) + tampered[i][1:]
    return tampered


SMALL = _tree(100)
LARGE = _tree(3000)


def test_roots_match_the_recursive_definition() -> None:
    leaves = [SMALL.leaf_hash_at(i) for i in range(SMALL.size)]
    for size in range(101):
        assert SMALL.root_at(size) == _naive_root(leaves[:size]), size
    assert SMALL.root() == SMALL.root_at(100)


def test_every_inclusion_proof_up_to_100() -> None:
    for size in range(1, 101):
        root = SMALL.root_at(size)
        for index in range(size):
            proof = SMALL.inclusion_proof(index, size)
            verify_inclusion(SMALL.leaf_hash_at(index), index, size, proof, root)


def test_every_consistency_proof_up_to_100() -> None:
    roots = [SMALL.root_at(size) for size in range(101)]
    for size2 in range(1, 101):
        for size1 in range(1, size2 + 1):
            proof = SMALL.consistency_proof(size1, size2)
            verify_consistency(size1, size2, proof, roots[size1], roots[size2])


def test_random_proofs_up_to_3000() -> None:
    rng = random.Random(6962)
    for _ in range(400):
        size2 = rng.randint(2, LARGE.size)
        size1 = rng.randint(1, size2 - 1)
        index = rng.randrange(size2)
        root1, root2 = LARGE.root_at(size1), LARGE.root_at(size2)
        proof = LARGE.inclusion_proof(index, size2)
        verify_inclusion(LARGE.leaf_hash_at(index), index, size2, proof, root2)
        verify_consistency(size1, size2, LARGE.consistency_proof(size1, size2), root1, root2)


def test_defaults_use_the_current_size() -> None:
    assert SMALL.inclusion_proof(7) == SMALL.inclusion_proof(7, 100)
    assert SMALL.consistency_proof(42) == SMALL.consistency_proof(42, 100)


def test_appending_does_not_change_earlier_roots() -> None:
    tree = _tree(10)
    before = [tree.root_at(size) for size in range(11)]
    tree.append_data(b"late")
    assert [tree.root_at(size) for size in range(11)] == before
    assert tree.size == len(tree) == 11
    assert tree.root() == tree.root_at(11) != before[10]


def test_tampered_inclusion_proofs_are_rejected() -> None:
    rng = random.Random(1)
    for _ in range(200):
        size = rng.randint(2, LARGE.size)
        index = rng.randrange(size)
        leaf, root = LARGE.leaf_hash_at(index), LARGE.root_at(size)
        proof = LARGE.inclusion_proof(index, size)
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, _flip(proof, rng.randrange(len(proof))), root)
        with pytest.raises(ProofError):
            verify_inclusion(leaf, (index + 1) % size, size, proof, root)
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, proof[:-1], root)
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, [*proof, root], root)
        with pytest.raises(ProofError):
            verify_inclusion(leaf_hash(b"forged"), index, size, proof, root)


def test_tampered_consistency_proofs_are_rejected() -> None:
    rng = random.Random(2)
    for _ in range(200):
        size2 = rng.randint(2, LARGE.size)
        size1 = rng.randint(1, size2 - 1)
        root1, root2 = LARGE.root_at(size1), LARGE.root_at(size2)
        proof = LARGE.consistency_proof(size1, size2)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, _flip(proof, rng.randrange(len(proof))), root1, root2)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, proof, root2, root1)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, proof[:-1], root1, root2)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, [*proof, root2], root1, root2)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, proof, root1, hashlib.sha256(root2).digest())


def test_generation_rejects_out_of_range_requests() -> None:
    with pytest.raises(ValueError):
        SMALL.inclusion_proof(100, 100)
    with pytest.raises(ValueError):
        SMALL.inclusion_proof(0, 101)
    with pytest.raises(ValueError):
        SMALL.consistency_proof(0, 10)
    with pytest.raises(ValueError):
        SMALL.consistency_proof(11, 10)
    with pytest.raises(ValueError):
        SMALL.root_at(101)
    with pytest.raises(ValueError):
        MerkleTree().append(b"short")


def test_verifiers_reject_malformed_inputs() -> None:
    root = SMALL.root_at(5)
    with pytest.raises(ProofError, match="outside"):
        verify_inclusion(SMALL.leaf_hash_at(0), 0, 0, [], EMPTY_ROOT)
    with pytest.raises(ProofError, match="bytes"):
        verify_inclusion(b"short", 0, 5, SMALL.inclusion_proof(0, 5), root)
    with pytest.raises(ProofError, match="shrink"):
        verify_consistency(5, 4, [], root, root)
    verify_consistency(0, 5, [], EMPTY_ROOT, root)  # any tree is consistent with the empty tree ...
    with pytest.raises(ProofError, match="from the empty tree must be empty"):
        verify_consistency(0, 5, [root], EMPTY_ROOT, root)  # ... with an empty proof
    with pytest.raises(ProofError, match="empty tree's root"):
        verify_consistency(0, 5, [], root, root)  # ... and the empty tree's root
