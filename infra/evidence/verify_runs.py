"""The record of `verify` runs: each run appends when it finished, how long it took, how many
events it checked and whether everything agreed (with the first problem if not). The relay
exports the last one as metrics, so an alert can fire on a failed or overdue verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, Engine, Float, Integer, Table, Text, insert, select

from infra.db import metadata
from projections.sqltypes import UtcDateTime

verification_runs = Table(
    "verification_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finished_at", UtcDateTime(), nullable=False),
    Column("duration_seconds", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("events", BigInteger, nullable=False),
    Column("first_problem", Text, nullable=True),
)


@dataclass(frozen=True)
class VerificationRun:
    finished_at: datetime
    duration_seconds: float
    ok: bool
    events: int
    first_problem: str | None = None


def record_run(engine: Engine, run: VerificationRun) -> None:
    with engine.begin() as connection:
        connection.execute(insert(verification_runs).values(**vars(run)))


def last_run(engine: Engine) -> VerificationRun | None:
    query = select(verification_runs).order_by(verification_runs.c.id.desc()).limit(1)
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    return None if row is None else VerificationRun(**{k: row[k] for k in VerificationRun.__dataclass_fields__})
