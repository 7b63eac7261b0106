"""What folding one event asks of the read models: small, typed, comparable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Upsert:
    """Insert the row, or update its ``values`` if a row with ``key`` exists."""

    table: str
    key: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Update:
    table: str
    key: dict[str, Any]
    values: dict[str, Any]


@dataclass(frozen=True)
class Insert:
    table: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Delete:
    table: str
    key: dict[str, Any]


@dataclass(frozen=True)
class Increment:
    table: str
    key: dict[str, Any]
    column: str
    by: int


Change = Upsert | Update | Insert | Delete | Increment
