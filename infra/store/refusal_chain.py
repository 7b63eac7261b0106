"""Refusals as evidence: every denied attempt is hash-chained as it is logged.

Table ``refusal_chain``, one row per refusal, in the same transaction as the refusal::

    sequence       1, 2, 3 ... (the refusal log's own order; no gaps)
    refusal_id     the ``refused_commands`` row it seals
    previous_hash  the refusal_hash of sequence - 1 (64 zeros for the first); unique, so
                   two writers can never both extend the same head (the loser retries)
    refusal_hash   SHA-256 of the canonical JSON of :func:`refusal_record`
    published      whether it has reached the refusals topic

The refusal hashes are also the leaves (``SHA-256(0x00 || refusal_hash bytes)``) of the
refusal log's own RFC 9162 Merkle tree, whose signed checkpoints (origin ``<ledger
origin>/refusals``) are kept in ``refusal_checkpoints`` (see ``service.evidence.refusals``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Connection, Integer, String, Table, func, select, update

from domain.canonical import GENESIS_HASH, canonical_bytes, record_hash
from infra.db import metadata

refusal_chain = Table(
    "refusal_chain",
    metadata,
    Column("sequence", BigInteger, primary_key=True, autoincrement=False),
    Column("refusal_id", Integer, nullable=False, unique=True),
    Column("previous_hash", String(64), nullable=False, unique=True),
    Column("refusal_hash", String(64), nullable=False),
    Column("published", Boolean, nullable=False, default=False),
)

RECORD_FIELDS = ("at", "actor_id", "actor_role", "command", "group_slug", "rule", "clause", "message")


def format_at(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def refusal_record(sequence: int, previous_hash: str, refusal: Any) -> dict[str, Any]:
    """What a refusal hash covers: its place in the chain and every field of the refusal."""
    record = {name: getattr(refusal, name) for name in RECORD_FIELDS}
    record["at"] = format_at(refusal.at)
    return record | {"sequence": sequence, "previous_hash": previous_hash}


def refusal_hash(sequence: int, previous_hash: str, refusal: Any) -> str:
    return record_hash(refusal_record(sequence, previous_hash, refusal))


def refusal_bytes(sequence: int, previous_hash: str, refusal: Any) -> bytes:
    return canonical_bytes(refusal_record(sequence, previous_hash, refusal))


@dataclass(frozen=True)
class ChainLink:
    sequence: int
    refusal_id: int
    previous_hash: str
    refusal_hash: str
    published: bool = False


def append_link(connection: Connection, refusal_id: int, refusal: Any) -> ChainLink:
    """Seal ``refusal`` at the head of the chain (inside the refusal's transaction). A
    concurrent writer makes the insert fail on ``previous_hash``: the caller retries."""
    head = connection.execute(
        select(refusal_chain.c.sequence, refusal_chain.c.refusal_hash).order_by(refusal_chain.c.sequence.desc()).limit(1)
    ).first()
    sequence, previous = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    link = ChainLink(sequence, refusal_id, previous, refusal_hash(sequence, previous, refusal))
    connection.execute(refusal_chain.insert().values(**vars(link)))
    return link


def adopt_existing_refusals(connection: Connection, log: Table) -> int:
    """Seal the refusals that a ledger logged before it had a chain (an upgrade from a release
    without one), in log order; return how many. Only ever on an empty chain: once the chain
    has a link, a refusal without one is a finding of ``verify``, never adopted silently."""
    if chain_size(connection):
        return 0
    rows = connection.execute(select(log).order_by(log.c.id)).mappings().all()
    for row in rows:
        append_link(connection, row["id"], SimpleNamespace(**{name: row[name] for name in RECORD_FIELDS}))
    return len(rows)


def chain_links(connection: Connection) -> list[ChainLink]:
    rows = connection.execute(select(refusal_chain).order_by(refusal_chain.c.sequence)).mappings().all()
    return [ChainLink(**row) for row in rows]


def chain_size(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(refusal_chain)).scalar() or 0


def mark_published(connection: Connection, sequence: int) -> None:
    connection.execute(update(refusal_chain).where(refusal_chain.c.sequence == sequence).values(published=True))
