"""Options shared by many subcommands."""

from __future__ import annotations

from typing import Annotated

import typer

from domain.values import Role

Actor = Annotated[
    str | None,
    typer.Option("--actor", help="Opaque id of the person acting, e.g. oar-1 (embedded default; with --token: the token's subject)."),
]
ActingRole = Annotated[
    Role | None,
    typer.Option("--role", case_sensitive=False, help="The role the actor acts in (with --token: from the token and the ledger)."),
]
Reason = Annotated[str, typer.Option("--reason", help="Why: recorded in the ledger.")]
OptionalReason = Annotated[
    str | None, typer.Option("--reason", help="Why (optional): recorded in the ledger.")
]
GroupSlug = Annotated[str, typer.Argument(help="The group's slug, e.g. cms-alumni.")]
EventSlug = Annotated[str, typer.Argument(help="The group event's slug, e.g. spring-talk-2025.")]
MemberId = Annotated[str, typer.Argument(help="Opaque id of the member.")]


def actor(actor_id: str | None, role: Role | None) -> dict[str, str | None]:
    """What the caller typed; ``context.resolve_actor`` turns it into the recorded actor."""
    return {"id": actor_id, "role": role.value if role else None}
