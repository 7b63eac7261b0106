"""How far the relay got: stored in the ledger database, written only after the
broker acknowledged. Besides the ledger position it keeps, per partition, the offset
and position of the last acknowledged message, so a broker that lost data can be
detected by reading that one message back.

It also keeps the relay's **refusals**: an event the broker refused for good (too large, not
authorised, a topic policy) is recorded (position, group, error) when the relay stops on it.
It is never skipped: the next start sends it again, and once the broker takes it the row is
kept with its ``resolved_at`` time. ``verify`` reports every unresolved refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Column, Engine, Integer, String, Table, Text, delete, select, update

from projections.sqltypes import UtcDateTime

from infra.db import metadata

relay_state = Table(
    "relay_state",
    metadata,
    Column("topic", String(249), primary_key=True),
    Column("cluster_id", String(128), nullable=False),
    Column("position", Integer, nullable=False),
)

relay_partitions = Table(
    "relay_partitions",
    metadata,
    Column("topic", String(249), primary_key=True),
    Column("partition", Integer, primary_key=True),
    Column("last_offset", Integer, nullable=False),
    Column("last_position", Integer, nullable=False),
)


relay_refusals = Table(
    "relay_refusals",
    metadata,
    Column("topic", String(249), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("group_id", String(200), nullable=False),
    Column("error", Text, nullable=False),
    Column("refused_at", UtcDateTime(), nullable=False),
    Column("resolved_at", UtcDateTime(), nullable=True),  # the broker took it on a later start
)


@dataclass(frozen=True)
class Refusal:
    """An event the broker refused for good: the relay stopped on it (``resolved_at``: when a
    later start published it)."""

    position: int
    group_id: str
    error: str
    refused_at: datetime
    resolved_at: datetime | None = None

    def describe(self) -> str:
        return f"the event at ledger position {self.position} (group {self.group_id}) was refused: {self.error}"


@dataclass
class RelayProgress:
    cluster_id: str = ""
    position: int = 0
    partitions: dict[int, tuple[int, int]] = field(default_factory=dict)  # partition -> (offset, position)


class RelayStateStore:
    def __init__(self, engine: Engine, topic: str) -> None:
        self.engine, self.topic = engine, topic

    def load(self) -> RelayProgress:
        with self.engine.connect() as connection:
            row = connection.execute(select(relay_state).where(relay_state.c.topic == self.topic)).first()
            parts = connection.execute(
                select(relay_partitions).where(relay_partitions.c.topic == self.topic)
            ).all()
        if row is None:
            return RelayProgress()
        return RelayProgress(
            cluster_id=row.cluster_id,
            position=row.position,
            partitions={p.partition: (p.last_offset, p.last_position) for p in parts},
        )

    def save(self, progress: RelayProgress) -> None:
        """Replace the stored progress in one transaction."""
        with self.engine.begin() as connection:
            connection.execute(delete(relay_state).where(relay_state.c.topic == self.topic))
            connection.execute(delete(relay_partitions).where(relay_partitions.c.topic == self.topic))
            connection.execute(
                relay_state.insert().values(
                    topic=self.topic, cluster_id=progress.cluster_id, position=progress.position
                )
            )
            rows = [
                {"topic": self.topic, "partition": p, "last_offset": o, "last_position": pos}
                for p, (o, pos) in progress.partitions.items()
            ]
            if rows:
                connection.execute(relay_partitions.insert(), rows)

    def record_refusal(self, position: int, group_id: str, error: str) -> Refusal:
        """Record that the event at ``position`` was refused. A refusal still unresolved is kept
        as first recorded; one resolved before (the broker took it, then lost it and refuses it
        again on a republish) is opened again with this error."""
        refusal = Refusal(position, group_id, error[:2000], datetime.now(timezone.utc))
        key = self._key(position)
        with self.engine.begin() as connection:
            row = connection.execute(select(relay_refusals).where(key)).first()
            if row is None:
                connection.execute(relay_refusals.insert().values(topic=self.topic, **refusal.__dict__))
            elif row.resolved_at is None:
                return Refusal(row.position, row.group_id, row.error, row.refused_at)
            else:
                connection.execute(update(relay_refusals).where(key).values(
                    error=refusal.error, refused_at=refusal.refused_at, resolved_at=None))  # fmt: skip
        return refusal

    def resolve_refusal(self, position: int) -> None:
        """The event at ``position``, refused before, was acknowledged: keep the row, resolved."""
        with self.engine.begin() as connection:
            connection.execute(update(relay_refusals).where(self._key(position) & relay_refusals.c.resolved_at.is_(None))
                               .values(resolved_at=datetime.now(timezone.utc)))  # fmt: skip

    def refusals(self, unresolved: bool = False) -> list[Refusal]:
        """Every recorded refusal (only the unresolved ones if ``unresolved``), by position."""
        query = select(relay_refusals).where(relay_refusals.c.topic == self.topic).order_by(relay_refusals.c.position)
        if unresolved:
            query = query.where(relay_refusals.c.resolved_at.is_(None))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [Refusal(r.position, r.group_id, r.error, r.refused_at, r.resolved_at) for r in rows]

    def _key(self, position: int):
        return (relay_refusals.c.topic == self.topic) & (relay_refusals.c.position == position)
