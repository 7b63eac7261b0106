"""The base of every ledger event: who, when, why, under which clause, and the hash chain.

Each event is a frozen pydantic model. On construction it *seals* itself: it computes
``event_hash`` over its canonical record (every field but ``event_hash``, plus its
versioned type name), so each event commits to its content and, through
``previous_hash``, to every earlier event of the same aggregate.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid5

from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.canonical import record_hash
from domain.values import Role

EVENT_ID_NAMESPACE = UUID("6f1c3f9e-8a53-4c59-9a7e-0d5e1f4b7a21")
Hex64 = Field(pattern=r"^[0-9a-f]{64}$")

A = TypeVar("A")


class LedgerEvent(BaseModel, CanMutateAggregate[UUID]):
    """Common fields of every event; subclasses add their payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    type_version: ClassVar[int] = 1

    originator_id: UUID
    originator_version: int
    timestamp: AwareDatetime
    actor_id: str
    actor_role: Role
    clause: str
    reason: str | None = None
    previous_hash: str = Hex64
    event_hash: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")

    @field_validator("timestamp")
    @classmethod
    def _in_utc(cls, moment: datetime) -> datetime:
        """One representation per instant, so equal facts hash equally."""
        return moment.astimezone(UTC)

    @model_validator(mode="after")
    def _seal(self) -> LedgerEvent:
        if not self.event_hash:
            # Frozen model: sealing is the one write allowed, at construction only.
            object.__setattr__(self, "event_hash", record_hash(self.hash_record()))
        return self

    @classmethod
    def type_name(cls) -> str:
        """The versioned event type, e.g. ``ManagerAppointed.v1``."""
        return f"{cls.__name__}.v{cls.type_version}"

    @property
    def event_id(self) -> UUID:
        """Deterministic id: the same stored event always has the same id."""
        return uuid5(EVENT_ID_NAMESPACE, f"{self.originator_id}/{self.originator_version}")

    def hash_record(self) -> dict[str, Any]:
        """The record the hash is computed over (documented in the README).

        ``originator_topic`` is left out: it names a Python class, not a fact.
        """
        record = self.model_dump(mode="json", exclude={"event_hash", "originator_topic"})
        record["type"] = self.type_name()
        return record

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)

    def mutate(self, aggregate: A | None) -> A | None:
        aggregate = super().mutate(aggregate)
        aggregate.last_hash = self.event_hash  # type: ignore[union-attr]
        return aggregate


class LedgerCreated(LedgerEvent, CanInitAggregate[UUID]):
    """The first event of an aggregate."""

    originator_topic: str


def payload_of(event: LedgerEvent) -> dict[str, Any]:
    """The event-specific fields, without the common ledger fields."""
    common = set(LedgerCreated.model_fields)
    return event.model_dump(mode="json", exclude=common)
