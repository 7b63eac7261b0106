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
from infra.collection import collect_young, collection_deferred
from infra.evidence.checkpoint_store import CheckpointStore
from service.evidence.findings import Check, VerifyReport, short
from infra.evidence.leaves import Leaf, LeafStore, StoredLeaf, leaf_data, leaf_of
from infra.evidence.merkle import leaf_hash
from infra.evidence.merkle_frontier import MerkleFrontier
from infra.evidence.records import StoredRecord, from_notification
from infra.store.notifications import notification_reader
from service.read_ahead import ReadAhead

Sink = Callable[..., None]
YOUNG_COLLECTION_BATCHES = 50


def _ids(record: StoredRecord | Leaf) -> dict[str, str]:
    """Computed only when reporting: a uuid5 per event is a noticeable share of the pass."""
    return {"event_id": record.event_id, "group_id": record.group_id}


def check_chain(record: StoredRecord, last: dict[str, tuple[int, str]], report: Sink) -> None:
    """The event's own hash, its link to the previous version, and version continuity."""
    if record.state is None:
        report(record.position, "stored state is not a JSON object", **_ids(record))
        return
    recomputed, event_hash = record.recomputed_hash(), record.event_hash
    if recomputed != event_hash:
        report(record.position, f"content altered: version {record.version} does not hash to its recorded event_hash "
               f"(recorded {short(event_hash)}, recomputed {short(recomputed)})", **_ids(record))  # fmt: skip
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
        last[record.group_id] = (record.version, event_hash)


class LeafComparer:
    """Matches recomputed leaves with the recorded ``merkle_leaves`` rows, by position.

    The hot loop compares (index, position, leaf hash) only; a row's other columns are
    read (``details``) only to report a difference."""

    def __init__(self, stored: Iterator[tuple[int, int, str]], details: Callable[[int], StoredLeaf | None],
                 report: Sink) -> None:  # fmt: skip
        self.stored, self.details, self.report = stored, details, report
        self.next: tuple[int, int, str] | None = next(stored, None)
        self.compared = self.missing = 0

    def _advance(self) -> None:
        self.next = next(self.stored, None)

    def _missing(self, light: tuple[int, int, str], why: str) -> None:
        self.missing += 1
        row = self.details(light[0])
        if row is None:
            self.report(light[1], f"recorded in Merkle leaf {light[0]} but {why}")
            return
        leaf = row.leaf
        self.report(leaf.position, f"recorded in Merkle leaf {leaf.index} ({leaf.event_type}, version "
                    f"{leaf.version}) but {why}", event_id=leaf.event_id, group_id=leaf.group_id)  # fmt: skip

    def feed(self, record: StoredRecord, index: int, leaf_hash: bytes) -> None:
        """The store's event ``record``, recomputed as leaf ``index`` with ``leaf_hash``."""
        position = record.position
        while self.next is not None and self.next[1] < position:
            self._missing(self.next, "missing from the store (deleted?)")
            self._advance()
        light = self.next
        if light is None:
            return  # beyond the recorded leaves: not checkpointed yet
        if light[1] > position:
            self.report(position, "in the store but not among the recorded Merkle leaves (inserted?)", **_ids(record))
            return
        self.compared += 1
        if light[2] != leaf_hash.hex() or light[0] != index:
            row = self.details(light[0])
            if row is not None:
                self._differs(row, leaf_of(record, index), leaf_hash)
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


def _check_batch(records: list[StoredRecord], last: dict[str, tuple[int, str]], chain: Sink,
                 comparer: LeafComparer, tree: MerkleFrontier) -> None:  # fmt: skip
    for record in records:
        check_chain(record, last, chain)
        hashed = leaf_hash(leaf_data(record.position, record.group_id, record.version, record.type_name,
                                     record.event_hash))  # fmt: skip
        comparer.feed(record, tree.size, hashed)
        tree.append(hashed)


def verify_store(recorder: Any, engine: Any, report: VerifyReport, advance: Callable[[int], None],
                 batch_size: int = 1000) -> MerkleFrontier:  # fmt: skip
    """Chains and leaves in one pass; returns the tree recomputed from the store (its frontier,
    with the roots at every stored checkpoint's size: memory stays O(log n) for the tree)."""
    chain, merkle = report.sink("store"), report.sink("merkle")
    leaves = LeafStore(engine)
    comparer = LeafComparer(leaves.scan_light(), leaves.by_index, merkle)
    tree = MerkleFrontier(record_sizes=[row.size for row in CheckpointStore(engine).all()])
    last: dict[str, tuple[int, str]] = {}
    # the next batches are read while this one is checked (the database's work overlaps)
    with ReadAhead(notification_reader(recorder), from_notification, 0, batch_size) as batches:
        with collection_deferred():  # the records die by reference counting (infra/collection.py)
            for count, records in enumerate(batches, 1):
                _check_batch(records, last, chain, comparer, tree)
                advance(len(records))
                if count % YOUNG_COLLECTION_BATCHES == 0:
                    collect_young()
    comparer.finish()
    events = tree.size
    chains = f"{events} event(s) in {len(last)} aggregate(s): hashes recomputed, chains and versions checked"
    report.checks.append(Check("store", "mismatch" if report.found("store") else "ok", chains))
    report.checks.append(Check("merkle", "mismatch" if report.found("merkle") else "ok",
                               f"{events} leaves recomputed, {comparer.compared} matched with merkle_leaves; "
                               f"root {tree.root().hex()}"))  # fmt: skip
    return tree
