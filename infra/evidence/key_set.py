"""The set of checkpoint verifier keys, with the part of the log each one may sign.

Table ``verifier_keys``: one row per key ever used, in order. A key is valid for the
checkpoints of tree sizes ``valid_from_size < size <= retired_at_size`` (no upper bound
while it is the active key). ``keys rotate`` signs a last checkpoint with the old key,
retires it at that size and starts the new one there, so every checkpoint has exactly one
key valid for it, and a checkpoint the old key signs after its retirement is refused.

The key set itself is a small log: after every change, a note of the set (origin
``<ledger origin>/keys``, size = number of keys, root = SHA-256 of the canonical JSON of
:meth:`KeySet.document`) is signed by the outgoing key and the incoming one, stored in
``key_set_notes`` and published on the checkpoint topic.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, Integer, String, Table, Text, select, update

from domain.canonical import canonical_bytes
from infra.db import metadata
from infra.evidence.checkpoint import VerifierKey, parse_verifier_key
from infra.evidence.checkpoint_store import checkpoint_table

verifier_keys = Table(
    "verifier_keys",
    metadata,
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("vkey", Text, nullable=False, unique=True),
    Column("valid_from_size", BigInteger, nullable=False),
    Column("retired_at_size", BigInteger, nullable=True),
    Column("retired_at", String(40), nullable=True),
)
key_set_notes = checkpoint_table("key_set_notes")


@dataclass(frozen=True)
class KeyEntry:
    ordinal: int
    vkey: str
    valid_from_size: int
    retired_at_size: int | None = None
    retired_at: str | None = None

    @property
    def verifier(self) -> VerifierKey:
        return parse_verifier_key(self.vkey)

    def covers(self, size: int) -> bool:
        return self.valid_from_size < size and (self.retired_at_size is None or size <= self.retired_at_size)

    def validity(self) -> str:
        until = "now (active)" if self.retired_at_size is None else f"{self.retired_at_size} (retired {self.retired_at})"
        return f"checkpoints of size {self.valid_from_size + 1} .. {until}"


class KeySet:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def entries(self) -> list[KeyEntry]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(verifier_keys).order_by(verifier_keys.c.ordinal)).mappings().all()
        return [KeyEntry(**row) for row in rows]

    def active(self) -> KeyEntry | None:
        entries = self.entries()
        return entries[-1] if entries and entries[-1].retired_at_size is None else None

    def for_size(self, size: int) -> KeyEntry | None:
        return next((e for e in self.entries() if e.covers(size)), None)

    def add(self, vkey: str, valid_from_size: int) -> KeyEntry:
        entry = KeyEntry(len(self.entries()) + 1, vkey, valid_from_size)
        with self.engine.begin() as connection:
            connection.execute(verifier_keys.insert().values(**asdict(entry)))
        return entry

    def retire(self, entry: KeyEntry, at_size: int, at: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(verifier_keys).where(verifier_keys.c.ordinal == entry.ordinal)
                               .values(retired_at_size=at_size, retired_at=at))  # fmt: skip

    def document(self) -> list[dict[str, Any]]:
        return [asdict(e) for e in self.entries()]

    @staticmethod
    def digest_of(entries: list[KeyEntry]) -> bytes:
        return hashlib.sha256(canonical_bytes({"verifier_keys": [asdict(e) for e in entries]})).digest()
