"""The common shape of every command: the actor and the group (``domain.commands`` re-exports
it with the field types of ``domain.fields``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from domain.actors import Actor
from domain.fields import Slug

ClauseRef = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^(§\d{1,2}|Annex \d)(, ?(§\d{1,2}|Annex \d)){0,4}$")
]


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor


class GroupCommand(Command):
    group: Slug


RESERVED_SLUGS = frozenset({"export"})  # words the CLI reads as subcommands
