"""The common shape of every command: the actor, the group, and the constrained types
their fields use (``domain.commands`` re-exports all of it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.actors import Actor

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
ClauseRef = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^(§\d{1,2}|Annex \d)(, ?(§\d{1,2}|Annex \d)){0,4}$")
]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor


class GroupCommand(Command):
    group: Slug


RESERVED_SLUGS = frozenset({"export"})  # words the CLI reads as subcommands
