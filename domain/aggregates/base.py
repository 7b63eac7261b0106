"""The base aggregate: event recording with the hash chain, and event appliers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import BaseAggregate

from domain.canonical import GENESIS_HASH
from domain.commands import Command
from domain.events.base import LedgerEvent

Applier = Callable[[Any, Any], None]


def applies(event_class: type[LedgerEvent]) -> Callable[[Applier], Applier]:
    """Mark a method as the one that evolves state for ``event_class``."""

    def mark(method: Applier) -> Applier:
        method.applies_to = event_class  # type: ignore[attr-defined]
        return method

    return mark


class LedgerAggregate(BaseAggregate[UUID]):
    """An aggregate whose events form a hash chain (``previous_hash`` -> ``event_hash``)."""

    appliers: ClassVar[dict[type[LedgerEvent], Applier]] = {}
    last_hash: str = GENESIS_HASH

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.appliers = {
            member.applies_to: member
            for klass in reversed(cls.__mro__)
            for member in vars(klass).values()
            if hasattr(member, "applies_to")
        }

    def when(self, event: LedgerEvent) -> None:
        """Evolve state from one event (called on record and on replay)."""
        self.appliers[type(event)](self, event)

    def _record(
        self, event_class: type[LedgerEvent], command: Command, at: datetime, clause: str, **fields: Any
    ) -> None:
        """Record one event for ``command``: actor, role, time, reason, clause and the
        policy pack version in force at ``at``."""
        self.trigger_event(
            event_class,
            timestamp=at,
            previous_hash=self.last_hash,
            **common_fields(command, clause, self.pack_in_force(at)),
            **fields,
        )

    def pack_in_force(self, at: datetime) -> Any:
        """The policy pack version that governs this aggregate at ``at``."""
        raise NotImplementedError

    def trigger_event(self, event_class: type[LedgerEvent], **kwargs: Any) -> None:  # type: ignore[override]
        """``BaseAggregate.trigger_event`` without what never applies to a ledger event: an
        explicit topic (``TOPIC``) and a default timestamp (each is given its ledger time)."""
        event = event_class(originator_id=self.id, originator_version=self.version + 1, **kwargs)
        event.mutate(self)
        self._pending_events.append(event)


def common_fields(command: Command, clause: str, pack: Any) -> dict[str, Any]:
    """What every event records about its command: who (and how they were authenticated),
    why, under which clause of which version of which policy pack."""
    authentication = command.actor.authenticated_by
    return {
        "actor_id": command.actor.id,
        "actor_role": command.actor.role,
        "actor_auth_method": authentication.method,
        "actor_auth_issuer": authentication.issuer,
        "policy_pack": pack.name,
        "policy_version": pack.version,
        "clause": clause,
        # The field's value, or None where the command has no such field (read from the model's
        # fields directly: pydantic's __getattr__ for a missing name costs ~2 µs).
        "reason": command.__dict__.get("reason"),
    }
