"""Signed checkpoints kept in the ledger database (``checkpoints`` table).

One row per tree size: the root hash (hex), the checkpoint time (RFC 3339 UTC, as in the
note), the signed note text itself, and whether it has reached the checkpoint topic yet
(published rows are never rewritten; unpublished ones are sent on the next checkpoint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, Engine, String, Table, Text, select, update
from sqlalchemy.exc import IntegrityError

from infra.db import metadata
from infra.evidence.checkpoint import format_time, parse_time



def checkpoint_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("size", BigInteger, primary_key=True, autoincrement=False),
        Column("root_hash", String(64), nullable=False),
        Column("time", String(40), nullable=False),
        Column("note", Text, nullable=False),
        Column("published", Boolean, nullable=False, default=False),
    )


checkpoints = checkpoint_table("checkpoints")
refusal_checkpoints = checkpoint_table("refusal_checkpoints")
"""The refusal log's own checkpoints (same shape, origin ``<ledger origin>/refusals``)."""


@dataclass(frozen=True)
class StoredCheckpoint:
    size: int
    root_hash: bytes
    time: datetime
    note: str
    published: bool = False


def _row(row) -> StoredCheckpoint:
    return StoredCheckpoint(row.size, bytes.fromhex(row.root_hash), parse_time(row.time), row.note, row.published)


class CheckpointStore:
    def __init__(self, engine: Engine, table: Table = checkpoints) -> None:
        self.engine, self.table = engine, table

    def add(self, checkpoint: StoredCheckpoint) -> bool:
        """Store a checkpoint; False if one of that size already exists."""
        values = {
            "size": checkpoint.size, "root_hash": checkpoint.root_hash.hex(),
            "time": format_time(checkpoint.time), "note": checkpoint.note, "published": False,
        }  # fmt: skip
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert().values(**values))
        except IntegrityError:
            return False
        return True

    def latest(self) -> StoredCheckpoint | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(self.table).order_by(self.table.c.size.desc()).limit(1)).first()
        return None if row is None else _row(row)

    def get(self, size: int) -> StoredCheckpoint | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(self.table).where(self.table.c.size == size)).first()
        return None if row is None else _row(row)

    def all(self) -> list[StoredCheckpoint]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(self.table).order_by(self.table.c.size)).all()
        return [_row(row) for row in rows]

    def unpublished(self) -> list[StoredCheckpoint]:
        with self.engine.connect() as connection:
            query = select(self.table).where(self.table.c.published.is_(False)).order_by(self.table.c.size)
            return [_row(row) for row in connection.execute(query).all()]

    def mark_published(self, size: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(self.table).where(self.table.c.size == size).values(published=True))

    def replace_note(self, size: int, note: str) -> None:
        """A note with more signatures (witness cosignatures): published again."""
        with self.engine.begin() as connection:
            connection.execute(update(self.table).where(self.table.c.size == size).values(note=note, published=False))
