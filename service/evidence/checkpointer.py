"""The checkpointer: extends the Merkle tree from the notification log and signs checkpoints.

It keeps the tree in memory (built once from ``merkle_leaves``, then extended leaf by leaf,
never rehashed), appends new leaves to the table in the same order, and signs a C2SP
checkpoint every ``every_events`` new events or every ``every_seconds`` with new events
(time from the ledger's clock, passed in as ``now``). Several processes may run one: the
table's keys make them agree (a loser reloads what the winner wrote).

Before signing it refuses (``TamperError``) to cover an event whose stored state does not
hash to its ``event_hash``, or a tree that does not extend the previous checkpoint.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from infra.evidence.checkpoint import Checkpoint
from infra.evidence.checkpoint_store import CheckpointStore, StoredCheckpoint
from infra.evidence.errors import TamperError
from infra.evidence.leaves import Leaf, LeafStore, leaf_of
from infra.evidence.merkle import MerkleTree
from infra.evidence.publish import CheckpointPublisher
from infra.evidence.records import from_notification
from infra.evidence.signing import Signer

log = logging.getLogger("oar.evidence")


class Checkpointer:
    def __init__(
        self, recorder: Any, engine: Engine, signer: Signer, origin: str, *,
        every_events: int = 1000, every_seconds: float = 300.0,
        publisher: CheckpointPublisher | None = None, batch_size: int = 1000,
    ) -> None:  # fmt: skip
        self.recorder, self.signer, self.origin = recorder, signer, origin
        self.every_events, self.every_seconds = every_events, every_seconds
        self.publisher, self.batch_size = publisher, batch_size
        self.leaves, self.checkpoints = LeafStore(engine), CheckpointStore(engine)
        self.tree = MerkleTree()
        self._last_position = 0

    # -- the tree ------------------------------------------------------------------------

    def sync(self) -> int:
        """Load leaves other writers appended to ``merkle_leaves``; return how many."""
        loaded = 0
        for index, position, leaf_hash in self.leaves.hashes(self.tree.size):
            if index != self.tree.size:
                raise TamperError(f"merkle_leaves has no leaf {self.tree.size} (next is {index})")
            self.tree.append(leaf_hash)
            self._last_position = position
            loaded += 1
        return loaded

    def extend(self) -> int:
        """Append a leaf for every stored event not yet in the tree; return how many."""
        self.sync()
        added = 0
        while batch := self.recorder.select_notifications(self._last_position + 1, self.batch_size):
            leaves = [self._leaf(from_notification(n), self.tree.size + i) for i, n in enumerate(batch)]
            try:
                self.leaves.append(leaves)
            except IntegrityError:
                if not self.sync():  # a concurrent writer must have added these leaves
                    raise TamperError("merkle_leaves refuses new leaves but holds no new ones") from None
                continue
            for leaf in leaves:
                self.tree.append(leaf.hash())
            self._last_position = leaves[-1].position
            added += len(leaves)
        return added

    @staticmethod
    def _leaf(record: Any, index: int) -> Leaf:
        if record.state is None or record.recomputed_hash() != record.event_hash:
            raise TamperError(
                f"stored event at position {record.position} (group {record.group_id}, version "
                f"{record.version}) does not hash to its event_hash: run `oar-ledger verify`"
            )
        return leaf_of(record, index)

    # -- checkpoints ---------------------------------------------------------------------

    def due(self, now: datetime) -> bool:
        """Whether the schedule calls for a checkpoint of the current tree."""
        latest, size = self.checkpoints.latest(), self.tree.size
        if size == 0 or (latest is not None and latest.size >= size):
            return False
        if latest is None:
            return True
        waited = (now - latest.time).total_seconds()
        return size - latest.size >= self.every_events or waited >= self.every_seconds

    def maybe_checkpoint(self, now: datetime) -> StoredCheckpoint | None:
        """Extend the tree, then checkpoint if due; None if no new checkpoint was made."""
        self.extend()
        if self.due(now):
            return self.checkpoint(now, extend=False)
        self.publish_pending()
        return None

    def checkpoint(self, now: datetime, *, extend: bool = True) -> StoredCheckpoint | None:
        """Sign and store a checkpoint of the whole tree now; None if there is nothing new."""
        if extend:
            self.extend()
        size, latest = self.tree.size, self.checkpoints.latest()
        if size == 0 or (latest is not None and latest.size == size):
            self.publish_pending()
            return None
        if latest is not None:
            if latest.size > size:
                raise TamperError(f"checkpoint {latest.size} covers more leaves than merkle_leaves holds ({size})")
            if self.tree.root_at(latest.size) != latest.root_hash:
                raise TamperError(f"the leaves no longer match the root signed in checkpoint {latest.size}")
        root = self.tree.root()
        signed = Checkpoint(self.origin, size, root, now)
        stored = StoredCheckpoint(size, root, signed.time, self.signer.sign(signed))
        created = self.checkpoints.add(stored)
        self.publish_pending()
        return stored if created else None

    def publish_pending(self) -> int:
        """Send unpublished checkpoints in order; stop at the first failure (retried later)."""
        if self.publisher is None:
            return 0
        sent = 0
        for checkpoint in self.checkpoints.unpublished():
            try:
                self.publisher.publish(checkpoint)
            except Exception as problem:  # noqa: BLE001 - the broker may be down: retry next time
                log.warning("checkpoint %d not published yet: %s", checkpoint.size, problem)
                break
            self.checkpoints.mark_published(checkpoint.size)
            sent += 1
        return sent

    def close(self) -> None:
        if self.publisher is not None:
            self.publisher.close()
