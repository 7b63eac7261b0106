"""Merkle leaves over the global ledger order, and the table that keeps them.

Leaf data (what RFC 6962's ``MTH({d})`` hashes as ``SHA-256(0x00 || d)``) is the canonical
JSON (``domain.canonical.canonical_bytes``: sorted keys, no white space, UTF-8) of::

    {"position": <ledger position, int>,
     "group_id": "<originator uuid>",
     "version": <originator version, int>,
     "type": "<Name>.v<N>",
     "event_hash": "<hex SHA-256 of the event's hash record>"}

so a leaf commits to where the event sits in the global order, which aggregate and
version it is, and (through ``event_hash``) to its whole content and hash chain.

Leaf indexes are 0, 1, 2 ... in notification order. Positions may have permanent gaps on
PostgreSQL (rolled-back inserts), so ``leaf_index != position - 1`` in general: the
``merkle_leaves`` table keeps the mapping, with the leaf hash, so that proofs and the
checkpointer never rescan the event store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, Integer, String, Table, func, select

from domain.canonical import canonical_bytes
from infra.db import metadata
from infra.evidence.merkle import leaf_hash
from infra.evidence.records import StoredRecord, event_id_of

_PLAIN = re.compile(r"[A-Za-z0-9._-]*")
"""Strings JSON writes as they are (no escapes)."""

merkle_leaves = Table(
    "merkle_leaves",
    metadata,
    Column("leaf_index", BigInteger, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False, unique=True),
    Column("event_id", String(36), nullable=False, index=True),
    Column("group_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("event_hash", String(64), nullable=False),
    Column("leaf_hash", String(64), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One Merkle leaf: its index in the tree and the record it commits to."""

    index: int
    position: int
    group_id: str
    version: int
    event_type: str
    event_hash: str

    @property
    def event_id(self) -> str:
        return event_id_of(self.group_id, self.version)

    def record(self) -> dict[str, Any]:
        """The leaf record (see the module docstring)."""
        return {
            "position": self.position, "group_id": self.group_id, "version": self.version,
            "type": self.event_type, "event_hash": self.event_hash,
        }  # fmt: skip

    def data(self) -> bytes:
        return leaf_data(self.position, self.group_id, self.version, self.event_type, self.event_hash)

    def hash(self) -> bytes:
        return leaf_hash(self.data())


def leaf_data(position: int, group_id: str, version: int, event_type: str, event_hash: str) -> bytes:
    """``canonical_bytes`` of the leaf record; formatted directly when every string is plain
    (hex, uuid, ``Name.v1``), which is what the verifier's hot loop always meets."""
    if _PLAIN.fullmatch(f"{event_hash}{group_id}{event_type}") and type(position) is int and type(version) is int:
        return (f'{{"event_hash":"{event_hash}","group_id":"{group_id}","position":{position},'
                f'"type":"{event_type}","version":{version}}}').encode()  # fmt: skip
    return canonical_bytes({"position": position, "group_id": group_id, "version": version, "type": event_type,
                            "event_hash": event_hash})  # fmt: skip


def leaf_of(record: StoredRecord, index: int) -> Leaf:
    """The leaf for a stored event, committing to the ``event_hash`` it records."""
    return Leaf(index, record.position, record.group_id, record.version, record.type_name, record.event_hash)


@dataclass(frozen=True, slots=True)
class StoredLeaf:
    """A row of ``merkle_leaves``: the leaf and the hash recorded for it."""

    leaf: Leaf
    leaf_hash: bytes


def _row(row: Any) -> StoredLeaf:
    leaf = Leaf(row.leaf_index, row.position, row.group_id, row.version, row.event_type, row.event_hash)
    return StoredLeaf(leaf, bytes.fromhex(row.leaf_hash))


class LeafStore:
    """Reads and appends ``merkle_leaves`` rows (append-only, one transaction per batch)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(merkle_leaves)).scalar_one())

    def append(self, leaves: Sequence[Leaf]) -> None:
        """Insert leaves; raises SQLAlchemy's ``IntegrityError`` if another writer got there first."""
        rows = [
            {"leaf_index": f.index, "position": f.position, "event_id": f.event_id, "group_id": f.group_id,
             "version": f.version, "event_type": f.event_type, "event_hash": f.event_hash,
             "leaf_hash": f.hash().hex()}
            for f in leaves
        ]  # fmt: skip
        if rows:
            with self.engine.begin() as connection:
                connection.execute(merkle_leaves.insert(), rows)

    def scan(self, start: int = 0, stop: int | None = None, batch_size: int = 5000) -> Iterator[StoredLeaf]:
        """Stored leaves with ``start <= leaf_index < stop``, in index order."""
        while stop is None or start < stop:
            query = select(merkle_leaves).where(merkle_leaves.c.leaf_index >= start)
            if stop is not None:
                query = query.where(merkle_leaves.c.leaf_index < stop)
            with self.engine.connect() as connection:
                rows = connection.execute(query.order_by(merkle_leaves.c.leaf_index).limit(batch_size)).all()
            if not rows:
                return
            for row in rows:
                yield _row(row)
            start = rows[-1].leaf_index + 1

    def scan_light(self, batch_size: int = 5000) -> Iterator[tuple[int, int, str]]:
        """(leaf index, position, leaf hash hex) of every stored leaf in index order: what the
        verifier's hot loop compares (the other columns are read only to report a difference)."""
        columns, start = (merkle_leaves.c.leaf_index, merkle_leaves.c.position, merkle_leaves.c.leaf_hash), 0
        while True:
            query = select(*columns).where(merkle_leaves.c.leaf_index >= start)
            with self.engine.connect() as connection:
                rows = connection.execute(query.order_by(merkle_leaves.c.leaf_index).limit(batch_size)).tuples().all()
            if not rows:
                return
            yield from rows
            start = rows[-1][0] + 1

    def by_index(self, index: int) -> StoredLeaf | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(merkle_leaves).where(merkle_leaves.c.leaf_index == index)).first()
        return None if row is None else _row(row)

    def hashes(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, int, bytes]]:
        """(leaf index, position, leaf hash) in index order: what a tree is rebuilt from."""
        for stored in self.scan(start, stop):
            yield stored.leaf.index, stored.leaf.position, stored.leaf_hash

    def by_event_id(self, event_id: str) -> StoredLeaf | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(merkle_leaves).where(merkle_leaves.c.event_id == event_id)).first()
        return None if row is None else _row(row)
