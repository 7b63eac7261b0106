"""Idempotency keys of API writes, in the ledger database.

A write that carries an ``Idempotency-Key`` first *reserves* the key (a row without a
response); the unique (subject, key) makes a concurrent duplicate fail to reserve. The
first request's response is stored when it completes, and a retry gets it back
instead of running the command again. A key reused for a different request is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Engine, Integer, String, Table, Text, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from infra.db import metadata
from projections.sqltypes import UtcDateTime

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("subject", String(64), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("status", Integer, nullable=True),  # null while the first request runs
    Column("headers", Text, nullable=True),
    Column("body", Text, nullable=True),
)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: str


class KeyReused(Exception):
    """The key was used before for a different request."""


class KeyInProgress(Exception):
    """The first request with this key has not finished yet."""


class IdempotencyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def reserve(self, subject: str, key: str, fingerprint: str, now: datetime) -> StoredResponse | None:
        """None: the key is ours, run the request. A response: replay it."""
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(idempotency_keys).values(
                    subject=subject, key=key, fingerprint=fingerprint, created_at=now))  # fmt: skip
            return None
        except IntegrityError:
            pass
        with self.engine.connect() as connection:
            row = connection.execute(select(idempotency_keys).where(self._match(subject, key))).mappings().first()
        if row is None:  # released meanwhile by a failed first attempt: try once more
            return self.reserve(subject, key, fingerprint, now)
        if row["fingerprint"] != fingerprint:
            raise KeyReused(key)
        if row["status"] is None:
            raise KeyInProgress(key)
        return StoredResponse(row["status"], json.loads(row["headers"]), row["body"])

    def complete(self, subject: str, key: str, response: StoredResponse) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(idempotency_keys).where(self._match(subject, key)).values(
                status=response.status, headers=json.dumps(response.headers), body=response.body))  # fmt: skip

    def release(self, subject: str, key: str) -> None:
        """Forget a reservation whose request failed unexpectedly, so a retry runs it."""
        with self.engine.begin() as connection:
            connection.execute(delete(idempotency_keys).where(self._match(subject, key)))

    @staticmethod
    def _match(subject: str, key: str):
        return and_(idempotency_keys.c.subject == subject, idempotency_keys.c.key == key)
