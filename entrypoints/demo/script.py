"""A small vocabulary for writing the demo year as a readable script."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain import commands as c
from domain.actors import Actor
from domain.errors import DomainError
from infra.clock import SimulatedClock
from service.ledger import LedgerApplication

OAR = Actor(id="oar-1", role="oar")


def manager(person: str) -> Actor:
    return Actor(id=person, role="manager")


def member(person: str) -> Actor:
    return Actor(id=person, role="member")


@dataclass
class Outcome:
    at: datetime
    group: str
    command: str
    actor: str
    accepted: bool
    detail: str
    clause: str


@dataclass
class DemoRun:
    """Runs commands at simulated dates and remembers what happened."""

    app: LedgerApplication
    clock: SimulatedClock
    suffix: str
    outcomes: list[Outcome] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    steps: list[tuple[datetime, int, c.GroupCommand]] = field(default_factory=list)

    def slug(self, base: str) -> str:
        return f"{base}-{self.suffix}"

    def at(self, when: str, command: c.GroupCommand) -> None:
        """Schedule ``command`` at ``when`` (ISO 8601); ``play`` runs steps in time order."""
        self.steps.append((datetime.fromisoformat(when), len(self.steps), command))

    def play(self) -> None:
        for when, _, command in sorted(self.steps, key=lambda step: step[:2]):
            self.clock.set(when)
            self.do(command)
        self.steps.clear()

    def do(self, command: c.GroupCommand) -> bool:
        """Run one command; a refusal is an expected part of the story, not a failure."""
        name = type(command).__name__
        try:
            receipt = self.app.execute(command)
        except DomainError as refusal:
            clause = getattr(refusal, "clause", "")
            message = getattr(refusal, "message", str(refusal))
            self._note(command, name, False, message, clause)
            return False
        event = self.app.group_events(command.group)[-1]
        self._note(command, name, True, ", ".join(receipt.events), event.clause)
        return True

    def _note(self, command: c.GroupCommand, name: str, ok: bool, detail: str, clause: str) -> None:
        self.outcomes.append(
            Outcome(self.clock(), command.group, name, str(command.actor), ok, detail, clause)
        )

    @property
    def refusals(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.accepted]
