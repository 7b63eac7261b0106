"""The log of refused commands: denied attempts are kept for audit (README, "Proofs,
verification, keys, refusals, witnesses").

A refusal writes no ledger event (nothing happened to the group) but the attempt
itself is evidence an auditor may need, so it goes to this separate table, and is sealed
in the refusal chain (``infra.store.refusal_chain``) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Engine, Integer, String, Table, Text, func, insert, select
from sqlalchemy.exc import IntegrityError

from infra.db import metadata
from infra.store.refusal_chain import append_link
from projections.sqltypes import UtcDateTime

refused_commands = Table(
    "refused_commands",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("command", String(64), nullable=False),
    Column("group_slug", String(64), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("clause", String(128), nullable=False),
    Column("message", Text, nullable=False),
)


@dataclass(frozen=True)
class Refusal:
    at: datetime
    actor_id: str
    actor_role: str
    command: str
    group_slug: str
    rule: str
    clause: str
    message: str


@dataclass(frozen=True)
class RefusalQuery:
    """Which refusals to list: every criterion given must match (exactly; times inclusive)."""

    group: str | None = None
    actor: str | None = None
    rule: str | None = None
    clause: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 10_000
    after: int = 0
    """Only refusals logged after this log id (a page's cursor)."""


class RefusalLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, refusal: Refusal, attempts: int = 20) -> None:
        """Log the refusal and seal it at the head of the refusal chain, in one transaction;
        another writer taking the head first makes this one retry."""
        for attempt in range(attempts):
            try:
                with self.engine.begin() as connection:
                    inserted = connection.execute(insert(refused_commands).values(**vars(refusal)))
                    append_link(connection, inserted.inserted_primary_key[0], refusal)
                return
            except IntegrityError:
                if attempt == attempts - 1:
                    raise

    def since(self, after_id: int = 0, limit: int | None = None) -> list[tuple[int, Refusal]]:
        query = select(refused_commands).where(refused_commands.c.id > after_id).limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(refused_commands.c.id)).mappings().all()
        return [(row["id"], Refusal(**{k: row[k] for k in Refusal.__dataclass_fields__})) for row in rows]

    def find(self, where: RefusalQuery) -> list[tuple[int, Refusal]]:
        """Refusals matching every criterion given, oldest first (at most ``where.limit``)."""
        t = refused_commands
        conditions = [column == value for column, value in (
            (t.c.group_slug, where.group), (t.c.actor_id, where.actor), (t.c.rule, where.rule),
            (t.c.clause, where.clause)) if value is not None]  # fmt: skip
        if where.since is not None:
            conditions.append(t.c.at >= where.since)
        if where.until is not None:
            conditions.append(t.c.at <= where.until)
        if where.after:
            conditions.append(t.c.id > where.after)
        query = select(t).where(*conditions).order_by(t.c.id).limit(where.limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [(row["id"], Refusal(**{k: row[k] for k in Refusal.__dataclass_fields__})) for row in rows]

    def last_id(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(refused_commands.c.id))).scalar() or 0
