"""What a rule is, what it sees, and how a pack groups rules per command."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from domain.errors import RuleViolation
from domain.policy.sources import CERN_GROUP_MANAGER_GUIDELINES, Citation

if TYPE_CHECKING:
    from domain.commands import Command

CERN_SOURCE = CERN_GROUP_MANAGER_GUIDELINES.cited_as
"""``CERN-AG``: the *Guidelines for CERN Alumni Group Managers* (``domain.policy.sources``)."""


OAR_GOVERNANCE = "OAR governance rule (not a guideline clause)"
"""Cited by rules the OAR adds that the guidelines do not state (e.g. conflict of interest)."""


def cern(clauses: str) -> str:
    """A clause citation of the CERN guidelines, e.g. ``cern("§7")`` -> ``CERN-AG §7``."""
    return f"{CERN_SOURCE} {clauses}"


@dataclass(frozen=True)
class Situation:
    """Everything a rule may look at: the command, the ledger time, the aggregates."""

    command: Command
    at: datetime
    group: Any = None
    gathering: Any = None
    sponsorship: Any = None


class Rule(ABC):
    """A named rule citing its clause. ``check`` returns quietly or refuses."""

    name: str = ""
    clause: str = ""

    @abstractmethod
    def check(self, situation: Situation) -> None:
        """Return quietly if the rule holds; otherwise ``self.refuse(...)``."""

    def refuse(self, message: str) -> NoReturn:
        raise RuleViolation(self.name, self.clause, message)

    def __repr__(self) -> str:
        return f"<{self.name} {self.clause}>"


@dataclass(frozen=True)
class Governs:
    """What a pack says about one command: the clause recorded and the rules checked."""

    clause: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class PolicyPack:
    """One version of an institution's rules: what governs each command, and the flags.

    A new version of a pack is a new ``PolicyPack`` with the same ``name``, a higher
    ``version`` and the date it took effect (``effective_from``); the registry picks the
    version in force on a date. ``effective_from`` None means undated (in force from the
    start). ``amendment`` says what this version changed from the one before. ``source``
    cites the published text the version encodes (title, version, publisher, address and
    the SHA-256 of the text), so that it can be found and checked outside this repository.
    """

    name: str
    title: str
    source: Citation
    decisions: Mapping[type[Command], Governs]
    flags: tuple[Any, ...] = field(default=())
    version: str = "1"
    effective_from: date | None = None
    amendment: str = ""

    @property
    def label(self) -> str:
        """``cern v2`` — how refusals, events and listings name this version."""
        return f"{self.name} v{self.version}"

    def enforce(self, situation: Situation) -> str:
        """Run every rule for the command in order; return the governing clause."""
        governs = self.decisions.get(type(situation.command))
        if governs is None:
            raise RuleViolation(  # cites the guidelines by title, not by the file they came in
                "command-not-governed",
                self.title,
                f"the {self.name} policy has no rule for {type(situation.command).__name__}",
            )
        for rule in governs.rules:
            rule.check(situation)
        return governs.clause
