"""The verifier's frontier-only tree gives RFC 6962 roots equal to the full tree's."""

from __future__ import annotations

import hashlib

import pytest

from infra.evidence.merkle import EMPTY_ROOT, MerkleTree, leaf_hash
from infra.evidence.merkle_frontier import MerkleFrontier

pytestmark = pytest.mark.unit


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


def test_roots_at_every_size_equal_the_full_trees() -> None:
    full, frontier = MerkleTree(), MerkleFrontier()
    assert frontier.root() == EMPTY_ROOT
    for index, h in enumerate(leaves(130)):
        assert frontier.append(h) == full.append(h) == index
        assert frontier.size == full.size
        assert frontier.root() == full.root()


def test_roots_at_the_sizes_asked_for_are_kept_and_others_refused() -> None:
    sizes = {0, 1, 7, 64, 100}
    full, frontier = MerkleTree(), MerkleFrontier(record_sizes=sizes)
    for h in leaves(120):
        full.append(h)
        frontier.append(h)
    for size in sizes:
        assert frontier.root_at(size) == full.root_at(size)
    assert frontier.root_at(120) == full.root()
    with pytest.raises(ValueError, match="not recorded"):
        frontier.root_at(50)


def test_it_keeps_at_most_log2_n_hashes() -> None:
    frontier = MerkleFrontier()
    for h in leaves(1023):
        frontier.append(h)
    assert len(frontier._frontier) == 10  # 1023 = ten set bits
