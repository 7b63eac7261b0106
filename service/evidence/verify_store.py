"""Verifying the event store against itself: per-aggregate hash chains, the recorded Merkle
leaves, and every stored checkpoint (its signature, and its root recomputed from the store).

One pass over the notification log, in order. Each event's hash is recomputed from its
raw stored JSON; its ``previous_hash`` must be the hash of the previous version of its
aggregate and versions must run 1, 2, 3 ...; its leaf is recomputed and matched, by
position, with the ``merkle_leaves`` row; the tree is rebuilt from the recomputed leaves
and every checkpoint's root compared with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from domain.canonical import GENESIS_HASH
from infra.evidence.checkpoint import VerifierKey, open_checkpoint
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.errors import EvidenceError
from service.evidence.findings import Check, VerifyReport, short
from infra.evidence.leaves import Leaf, LeafStore, StoredLeaf, leaf_of
from infra.evidence.merkle import MerkleTree
from infra.evidence.records import StoredRecord, read_records

Sink = Callable[..., None]


def _ids(record: StoredRecord | Leaf) -> dict[str, str]:
    """Computed only when reporting: a uuid5 per event is a noticeable share of the pass."""
    return {"event_id": record.event_id, "group_id": record.group_id}


def check_chain(record: StoredRecord, last: dict[str, tuple[int, str]], report: Sink) -> None:
    """The event's own hash, its link to the previous version, and version continuity."""
    if record.state is None:
        report(record.position, "stored state is not a JSON object", **_ids(record))
        return
    recomputed = record.recomputed_hash()
    if recomputed != record.event_hash:
        report(record.position, f"content altered: version {record.version} does not hash to its recorded event_hash "
               f"(recorded {short(record.event_hash)}, recomputed {short(recomputed)})", **_ids(record))  # fmt: skip
    previous = last.get(record.group_id)
    if previous is None:
        if record.version != 1:
            report(record.position, f"version {record.version} is the first of its group in the store: "
                   f"versions 1..{record.version - 1} are missing", **_ids(record))  # fmt: skip
        elif record.previous_hash != GENESIS_HASH:
            report(record.position, "version 1 does not start from the genesis previous_hash", **_ids(record))
    elif record.version != previous[0] + 1:
        gap = "missing (deleted?)" if record.version > previous[0] + 1 else "out of order (reordered?)"
        report(record.position, f"version {record.version} follows version {previous[0]}: {gap}", **_ids(record))
    elif record.previous_hash != previous[1]:
        report(record.position, f"previous_hash does not link to version {previous[0]}'s event_hash "
               f"({short(record.previous_hash)} != {short(previous[1])})", **_ids(record))  # fmt: skip
    if previous is None or record.version > previous[0]:
        last[record.group_id] = (record.version, record.event_hash)


class LeafComparer:
    """Matches recomputed leaves with the recorded ``merkle_leaves`` rows, by position."""

    def __init__(self, stored: Iterator[StoredLeaf], report: Sink) -> None:
        self.stored, self.report = stored, report
        self.next: StoredLeaf | None = next(stored, None)
        self.compared = self.missing = 0

    def _advance(self) -> None:
        self.next = next(self.stored, None)

    def _missing(self, row: StoredLeaf, why: str) -> None:
        leaf = row.leaf
        self.missing += 1
        self.report(leaf.position, f"recorded in Merkle leaf {leaf.index} ({leaf.event_type}, version "
                    f"{leaf.version}) but {why}", event_id=leaf.event_id, group_id=leaf.group_id)  # fmt: skip

    def feed(self, leaf: Leaf, leaf_hash: bytes) -> None:
        while self.next is not None and self.next.leaf.position < leaf.position:
            self._missing(self.next, "missing from the store (deleted?)")
            self._advance()
        row = self.next
        if row is None:
            return  # beyond the recorded leaves: not checkpointed yet
        if row.leaf.position > leaf.position:
            self.report(leaf.position, "in the store but not among the recorded Merkle leaves (inserted?)", **_ids(leaf))
            return
        self.compared += 1
        if row.leaf_hash != leaf_hash or row.leaf.index != leaf.index:
            self._differs(row, leaf, leaf_hash)
        self._advance()

    def _differs(self, row: StoredLeaf, leaf: Leaf, leaf_hash: bytes) -> None:
        differs = [f"{name} recorded {short(str(a))}, store {short(str(b))}" for name, a, b in (
            ("group", row.leaf.group_id, leaf.group_id), ("version", row.leaf.version, leaf.version),
            ("type", row.leaf.event_type, leaf.event_type), ("event_hash", row.leaf.event_hash, leaf.event_hash),
        ) if a != b]  # fmt: skip
        if differs:
            self.report(leaf.position, f"differs from Merkle leaf {row.leaf.index}: {'; '.join(differs)}", **_ids(leaf))
        elif row.leaf_hash != leaf_hash:
            self.report(leaf.position, f"Merkle leaf {row.leaf.index}'s recorded leaf_hash is not its data's hash",
                        **_ids(leaf))  # fmt: skip
        elif not self.missing:  # after a deletion every later index shifts: report the deletion only
            self.report(leaf.position, f"recorded as leaf {row.leaf.index}, recomputed as leaf {leaf.index}", **_ids(leaf))

    def finish(self) -> None:
        while self.next is not None:
            self._missing(self.next, "missing from the store (tail truncated?)")
            self._advance()


def verify_store(recorder: Any, engine: Any, report: VerifyReport, advance: Callable[[int], None],
                 batch_size: int = 1000) -> MerkleTree:  # fmt: skip
    """Chains and leaves in one pass; returns the tree recomputed from the store."""
    chain, merkle = report.sink("store"), report.sink("merkle")
    comparer = LeafComparer(LeafStore(engine).scan(), merkle)
    tree, last = MerkleTree(), {}
    for records in read_records(recorder, 1, batch_size):
        for record in records:
            check_chain(record, last, chain)
            leaf = leaf_of(record, tree.size)
            leaf_hash = leaf.hash()
            comparer.feed(leaf, leaf_hash)
            tree.append(leaf_hash)
        advance(len(records))
    comparer.finish()
    events = tree.size
    chains = f"{events} event(s) in {len(last)} aggregate(s): hashes recomputed, chains and versions checked"
    report.checks.append(Check("store", "mismatch" if report.found("store") else "ok", chains))
    report.checks.append(Check("merkle", "mismatch" if report.found("merkle") else "ok",
                               f"{events} leaves recomputed, {comparer.compared} matched with merkle_leaves; "
                               f"root {tree.root().hex()}"))  # fmt: skip
    return tree


def verify_checkpoints(engine: Any, tree: MerkleTree, key: VerifierKey | None, origin: str,
                       report: VerifyReport) -> None:  # fmt: skip
    """Every stored checkpoint: signature (if a key is known), note vs row, root vs the store."""
    sink = report.sink("checkpoint")
    stored = CheckpointStore(engine).all()
    for row in stored:
        at = {"checkpoint": row.size}
        if key is not None:
            try:
                signed = open_checkpoint(row.note, key.public_key, key.name)
            except EvidenceError as problem:
                sink(None, f"signed note rejected: {problem}", **at)
                continue
            if (signed.origin, signed.size, signed.root_hash, signed.time) != (origin, row.size, row.root_hash, row.time):
                sink(None, "signed note does not match its row (origin, size, root or time differ)", **at)
                continue
        if row.size > tree.size:
            sink(None, f"covers {row.size} events but the store now holds {tree.size} (events removed)", **at)
        elif tree.root_at(row.size) != row.root_hash:
            sink(None, f"root recomputed from the store differs from the signed root {row.root_hash.hex()[:16]}…", **at)
    signatures = f"signatures checked with {key.name}" if key else "signatures NOT checked (no verifier key)"
    status = "mismatch" if report.found("checkpoint") else "ok"
    report.checks.append(Check("checkpoints", status, f"{len(stored)} checkpoint(s): roots recomputed; {signatures}"))
