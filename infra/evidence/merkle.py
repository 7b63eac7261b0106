"""RFC 6962 / RFC 9162 Merkle tree, inclusion and consistency proofs, and their verifiers.

Hand-written on the standard library: no maintained PyPI library offers an incremental
RFC 6962 tree that produces both inclusion and consistency proofs, so this module follows
RFC 9162 section 2.1 directly (hashing §2.1.1, PATH §2.1.3.1, PROOF/SUBPROOF §2.1.4.1,
and the exact iterative verification algorithms of §2.1.3.2 and §2.1.4.2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from infra.evidence.errors import ProofError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """MTH of a single entry: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``): RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """Append-only Merkle tree over 32-byte leaf hashes.

    ``_levels[h][i]`` is the hash of the perfect subtree of ``2**h`` leaves starting at
    leaf ``i * 2**h``; level 0 holds the leaf hashes. Only complete subtrees are stored,
    so the last node of every level whose bit is set in ``size`` forms the compact range
    (frontier) and an append costs one leaf plus at most log2(n) parent hashes, never a
    rehash. Every subtree needed by a root or a proof is then folded from at most
    log2(n) stored nodes, so ``root_at`` is O(log n) and each proof O(log^2 n).
    Memory is about two hashes per leaf (~64 MB of digests for a million leaves).
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append(h)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def append(self, leaf_hash_: bytes) -> int:
        """Append an already hashed leaf (see ``leaf_hash``); return its index."""
        if len(leaf_hash_) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf_hash_)}")
        levels = self._levels
        index = len(levels[0])
        levels[0].append(bytes(leaf_hash_))
        level, i = 0, index
        while i & 1:  # a right child completes a perfect subtree one level up
            nodes = levels[level]
            parent = node_hash(nodes[i - 1], nodes[i])
            level, i = level + 1, i >> 1
            if level == len(levels):
                levels.append([])
            levels[level].append(parent)
        return index

    def append_data(self, data: bytes) -> int:
        """Hash ``data`` as a leaf and append it; return its index."""
        return self.append(leaf_hash(data))

    def leaf_hash_at(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise ValueError(f"leaf index {index} is outside a tree of size {self.size}")
        return self._levels[0][index]

    def root(self) -> bytes:
        return self.root_at(self.size)

    def root_at(self, size: int) -> bytes:
        """Root hash of the tree as it was when it held ``size`` leaves."""
        self._check_size(size)
        return EMPTY_ROOT if size == 0 else self._subtree(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 PATH(index, D[0:size]), ordered from the leaf upwards."""
        size = self.size if size is None else size
        self._check_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is outside a tree of size {size}")
        path: list[bytes] = []
        lo, n, m = 0, size, index
        while n > 1:
            k = _split(n)
            if m < k:
                path.append(self._subtree(lo + k, lo + n))
                n = k
            else:
                path.append(self._subtree(lo, lo + k))
                lo, m, n = lo + k, m - k, n - k
        path.reverse()
        return path

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """RFC 9162 PROOF(size1, D[0:size2]) via SUBPROOF, ordered from the bottom up.

        Requires ``0 < size1 <= size2``: RFC 9162 defines no proof from the empty tree.
        """
        size2 = self.size if size2 is None else size2
        self._check_size(size2)
        if not 0 < size1 <= size2:
            raise ValueError(f"a consistency proof needs 0 < size1 <= size2, got {size1}, {size2}")
        path: list[bytes] = []
        lo, n, m, whole = 0, size2, size1, True
        while m != n:
            k = _split(n)
            if m <= k:
                path.append(self._subtree(lo + k, lo + n))
                n = k
            else:
                path.append(self._subtree(lo, lo + k))
                lo, m, n, whole = lo + k, m - k, n - k, False
        if not whole:  # SUBPROOF(m, D[m], false) = [MTH(D[m])]
            path.append(self._subtree(lo, lo + n))
        path.reverse()
        return path

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")

    def _subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) from stored perfect subtrees.

        ``start`` must be a multiple of the smallest power of two >= ``end - start``, which
        holds for every range in the RFC recursions, so the range splits into aligned
        perfect subtrees of decreasing size, folded right to left as MTH prescribes.
        """
        parts: list[bytes] = []
        pos = start
        while pos < end:
            h = (end - pos).bit_length() - 1
            parts.append(self._levels[h][pos >> h])
            pos += 1 << h
        acc = parts.pop()
        while parts:
            acc = node_hash(parts.pop(), acc)
        return acc


def _check_hashes(what: str, hashes: Sequence[bytes]) -> None:
    for i, h in enumerate(hashes):
        if len(h) != HASH_SIZE:
            raise ProofError(f"{what}[{i}] is {len(h)} bytes, expected {HASH_SIZE}")


def _check_hash(what: str, h: bytes) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{what} is {len(h)} bytes, expected {HASH_SIZE}")


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise ``ProofError`` unless ``proof`` includes the leaf in ``root``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root", root)
    _check_hashes("proof", proof)
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof too long for leaf {index} of tree size {size}")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"inclusion proof too short for leaf {index} of tree size {size}")
    if r != root:
        raise ProofError(f"inclusion proof for leaf {index} does not lead to the given root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2: raise ``ProofError`` unless tree ``size2`` extends tree ``size1``.

    Edge cases: equal sizes need an empty proof and identical roots; any tree is consistent
    with the empty tree (size1 0) given an empty proof and the empty tree's root as root1.
    """
    if size2 < size1:
        raise ProofError(f"size2 {size2} is smaller than size1 {size1}: a log cannot shrink")
    if size1 < 0:
        raise ProofError(f"size1 {size1} is negative")
    if size1 == 0:
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        if root1 != EMPTY_ROOT or (size2 == 0 and root2 != EMPTY_ROOT):
            raise ProofError("a root of size 0 is not the empty tree's root (SHA-256 of nothing)")
        return
    if size1 == size2:
        if proof:
            raise ProofError(f"sizes are equal ({size1}) but the proof is not empty")
        if root1 != root2:
            raise ProofError(f"sizes are equal ({size1}) but the roots differ")
        return
    if not proof:
        raise ProofError(f"empty consistency proof from size {size1} to {size2}")
    _check_hash("root1", root1)
    _check_hash("root2", root2)
    _check_hashes("proof", proof)
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: its root is the seed
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof too long for sizes {size1} -> {size2}")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"consistency proof too short for sizes {size1} -> {size2}")
    if fr != root1:
        raise ProofError(f"consistency proof does not reproduce root1 of size {size1}")
    if sr != root2:
        raise ProofError(f"consistency proof does not reproduce root2 of size {size2}")
