"""A Merkle tree that keeps only its frontier, for a verifier that needs roots, not proofs.

``MerkleTree`` keeps every level (about two hashes per leaf: ~150 MB of Python objects for a
million leaves) so that it can produce proofs. Verifying the whole ledger needs only the
roots at the checkpoints' sizes, so ``MerkleFrontier`` keeps the compact range: one perfect
subtree per set bit of the size, at most log2(n) hashes, and records the root whenever the
size reaches one of the sizes it was asked for. Its roots are RFC 6962's MTH (tested
against ``MerkleTree``): the perfect subtrees, folded right to left.
"""

from __future__ import annotations

from collections.abc import Iterable

from infra.evidence.merkle import EMPTY_ROOT, HASH_SIZE, node_hash


class MerkleFrontier:
    def __init__(self, record_sizes: Iterable[int] = ()) -> None:
        self.size = 0
        self._frontier: list[tuple[int, bytes]] = []  # (height, hash) of perfect subtrees, left to right
        self._wanted = set(record_sizes)
        self._roots: dict[int, bytes] = {0: EMPTY_ROOT} if 0 in self._wanted else {}

    def append(self, leaf_hash_: bytes) -> int:
        """Append an already hashed leaf; return its index."""
        if len(leaf_hash_) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf_hash_)}")
        frontier, height, node = self._frontier, 0, leaf_hash_
        while frontier and frontier[-1][0] == height:  # two perfect subtrees of one height merge
            node = node_hash(frontier.pop()[1], node)
            height += 1
        frontier.append((height, node))
        index, self.size = self.size, self.size + 1
        if self.size in self._wanted:
            self._roots[self.size] = self.root()
        return index

    def root(self) -> bytes:
        if not self._frontier:
            return EMPTY_ROOT
        root = self._frontier[-1][1]
        for _, left in reversed(self._frontier[:-1]):
            root = node_hash(left, root)
        return root

    def root_at(self, size: int) -> bytes:
        """The root when the tree held ``size`` leaves (a size asked for, or the current one)."""
        if size == self.size:
            return self.root()
        try:
            return self._roots[size]
        except KeyError:
            raise ValueError(f"the root at size {size} was not recorded (size now {self.size})") from None
