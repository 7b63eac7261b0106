"""The base of every ledger event: who, when, why, under which clause, and the hash chain.

Each event is a frozen pydantic model. On construction it *seals* itself: it computes
``event_hash`` over its canonical record (every field but ``event_hash``, plus its
versioned type name), so each event commits to its content and, through
``previous_hash``, to every earlier event of the same aggregate.

Schema versions. Every event type is at version 2 (``GroupApproved.v2``): version 2 added
how the actor was authenticated (``actor_auth_method``, ``actor_auth_issuer``) and the
policy pack version that governed the event (``policy_pack``, ``policy_version``). Stored
version-1 events are upcast when read, by eventsourcing's convention (``class_version``,
``upcast_v1_v2``; see ``domain.events.catalog.decode_event``), and keep the hash of the
form they were recorded in (``hash_record`` returns that form).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar
from uuid import UUID, uuid5

from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from domain.canonical import record_hash
from domain.events.ids import EVENT_ID_NAMESPACE, event_id_text
from domain.values import AuthMethod, Role

_NOT_HASHED = frozenset(("event_hash", "originator_topic"))
"""Left out of the hash record (see ``hash_record``)."""
ADDED_IN_V2 = ("actor_auth_method", "actor_auth_issuer", "policy_pack", "policy_version")
"""The common fields schema version 2 added (an event type's own fields predate it)."""
Hex64 = Field(pattern=r"^[0-9a-f]{64}$")

A = TypeVar("A")


class LedgerEvent(BaseModel, CanMutateAggregate[UUID]):
    """Common fields of every event; subclasses add their payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    class_version: ClassVar[int] = 2
    """The schema version written now (eventsourcing's name; stored as ``class_version``)."""
    introduced_in: ClassVar[int] = 1
    """The first schema version of this type: a type added at version 2 (the §9 review, the
    LSE plan and alumni-data reports) was never recorded, nor published, as version 1."""

    originator_id: UUID
    originator_version: int
    timestamp: AwareDatetime
    actor_id: str
    actor_role: Role
    actor_auth_method: AuthMethod = Field(description="How the actor's identity was established (v2)")
    actor_auth_issuer: str | None = Field(
        description="Issuer of the actor's token; null for local-cli (v2)"
    )
    policy_pack: str | None = Field(description="The policy pack that governed the event (v2; null when upcast from v1)")
    policy_version: str | None = Field(
        description="The version of that pack in force at the event's time (v2; null when upcast from v1)"
    )
    clause: str
    reason: str | None = None
    previous_hash: str = Hex64
    event_hash: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")
    _as_recorded: dict[str, Any] | None = PrivateAttr(default=None)
    _json_form: dict[str, Any] | None = PrivateAttr(default=None)

    @field_validator("timestamp")
    @classmethod
    def _in_utc(cls, moment: datetime) -> datetime:
        """One representation per instant, so equal facts hash equally."""
        return moment.astimezone(UTC)

    @model_validator(mode="after")
    def _seal(self) -> LedgerEvent:
        if not self.event_hash:
            # One JSON dump serves both the hash record and the stored state (``json_form``).
            form = self.model_dump(mode="json")
            record = _without(form, _NOT_HASHED)
            record["type"] = self.type_name()
            sealed = record_hash(record)
            # Frozen model: sealing is the one write allowed, at construction only.
            object.__setattr__(self, "event_hash", sealed)
            form["event_hash"] = sealed
            self.__pydantic_private__["_json_form"] = form  # type: ignore[index]
        return self

    def json_form(self, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
        """``self.model_dump(mode="json", exclude=exclude)`` (a new dict each call): from the
        dump made when the event sealed itself, when it did. The event is frozen, so that dump
        is still its JSON form; ``model_copy``, which may change fields, does not keep it."""
        form = self._private("_json_form")
        if form is None:
            return self.model_dump(mode="json", exclude=set(exclude))
        return _without(form, exclude)

    def _private(self, name: str) -> Any:
        """A private attribute, read without pydantic's ``__getattr__`` (~2 µs a read)."""
        return (self.__pydantic_private__ or {}).get(name)

    def __eq__(self, other: object) -> bool:
        """Pydantic's equality (type, fields, private attributes) without the JSON form kept at
        sealing, a copy of the fields: an event read back equals the event that was recorded."""
        if not isinstance(other, LedgerEvent):
            return super().__eq__(other)
        return (
            type(self) is type(other)
            and self.__dict__ == other.__dict__
            and self._private("_as_recorded") == other._private("_as_recorded")
        )

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy without the JSON form kept at sealing: ``update`` sets fields unvalidated."""
        copy = super().model_copy(update=update, deep=deep)
        copy._json_form = None
        return copy

    @classmethod
    def type_name(cls) -> str:
        """The versioned event type, e.g. ``ManagerAppointed.v2``."""
        return f"{cls.__name__}.v{cls.class_version}"

    @classmethod
    def fields_in_version(cls, version: int) -> list[str]:
        """The fields of this type's recorded form at schema ``version`` (for contracts)."""
        fields = list(cls.model_fields)
        if version >= 2:
            return fields
        own = set(cls.__dict__.get("__annotations__", {}))  # e.g. GroupRequested's policy_pack
        return [n for n in fields if n not in ADDED_IN_V2] + [n for n in fields if n in ADDED_IN_V2 and n in own]

    @property
    def recorded_type(self) -> str:
        """The type the event was recorded as: ``ManagerAppointed.v1`` for an upcast event."""
        return self._as_recorded["type"] if self._as_recorded else self.type_name()

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A v1 event was recorded by the embedded CLI (the only way to record one), before
        packs had versions: its pack and version were not recorded (a GroupRequested keeps
        the pack it names)."""
        state["actor_auth_method"] = AuthMethod.LOCAL_CLI.value
        state["actor_auth_issuer"] = None
        state.setdefault("policy_pack", None)
        state["policy_version"] = None

    @property
    def event_id(self) -> UUID:
        """Deterministic id: the same stored event always has the same id."""
        return uuid5(EVENT_ID_NAMESPACE, f"{self.originator_id}/{self.originator_version}")

    def event_id_text(self, originator_id: str | None = None) -> str:
        """``str(self.event_id)``, without ``uuid5`` (``domain.events.ids``).
        ``originator_id``: ``str(self.originator_id)`` if the caller has it already."""
        return event_id_text(originator_id or str(self.originator_id), self.originator_version)

    def hash_record(self) -> dict[str, Any]:
        """The record the hash is computed over (documented in the README).

        ``originator_topic`` is left out: it names a Python class, not a fact. An event
        upcast from an older version returns the record it was hashed over when recorded.
        """
        as_recorded = self._private("_as_recorded")
        if as_recorded is not None:
            return dict(as_recorded)
        record = self.json_form(_NOT_HASHED)
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


_COMMON_FIELDS = set(LedgerCreated.model_fields)


def _without(form: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """A copy of ``form`` without ``names``, its other keys in the same order."""
    copy = form.copy()
    for name in names:
        copy.pop(name, None)
    return copy


def payload_of(event: LedgerEvent) -> dict[str, Any]:
    """The event-specific fields, without the common ledger fields."""
    return event.model_dump(mode="json", exclude=_COMMON_FIELDS)
