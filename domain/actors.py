"""Who acts. People are opaque ids only: no names, no e-mail (DESIGN: personal data)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from domain.values import Role

OpaqueId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"),
]
"""An opaque person id such as ``m-1042``: letters, digits and ``._:-``, 1-64 chars."""


class Authentication(BaseModel):
    """How an actor's identity was established: a verified OIDC token, a token of the
    ledger's own local issuer, or the single-user embedded CLI (nothing verified)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Literal["oidc", "local-token", "local-cli"]
    issuer: str | None = None


class Actor(BaseModel):
    """An authenticated person (or the system) and the role they act in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: OpaqueId
    role: Role
    authenticated_by: Authentication | None = None

    def __str__(self) -> str:
        return f"{self.id} ({self.role.value})"
