"""Options shared by many subcommands."""

from __future__ import annotations

from typing import Annotated

import typer

from domain.values import Role

Actor = Annotated[
    str, typer.Option("--actor", help="Opaque id of the person acting, e.g. oar-1 or m-1042.")
]
ActingRole = Annotated[
    Role, typer.Option("--role", case_sensitive=False, help="The role the actor acts in.")
]
Reason = Annotated[str, typer.Option("--reason", help="Why: recorded in the ledger.")]
OptionalReason = Annotated[
    str | None, typer.Option("--reason", help="Why (optional): recorded in the ledger.")
]
GroupSlug = Annotated[str, typer.Argument(help="The group's slug, e.g. cms-alumni.")]
EventSlug = Annotated[str, typer.Argument(help="The group event's slug, e.g. spring-talk-2025.")]
MemberId = Annotated[str, typer.Argument(help="Opaque id of the member.")]


def actor(actor_id: str, role: Role) -> dict[str, str]:
    return {"id": actor_id, "role": role.value}
