"""Who acts, and how that was established. People are opaque ids only: no names, no
e-mail (README, "Personal data: what may and may not be written, and why")."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from domain.fields import OpaqueId
from domain.values import AuthMethod, Role

__all__ = ["CONSOLE", "Actor", "Authentication", "OpaqueId"]

Issuer = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,255}$")]
"""A token issuer (an OIDC ``iss`` URL or the local issuer's id): printable ASCII, no spaces."""


class Authentication(BaseModel):
    """How an actor's identity was established: by a token of ``issuer``, or at the console."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: AuthMethod = AuthMethod.LOCAL_CLI
    issuer: Issuer | None = None

    @model_validator(mode="after")
    def _issuer_matches_method(self) -> Authentication:
        if self.method is AuthMethod.LOCAL_CLI and self.issuer is not None:
            raise ValueError("a local-cli actor has no token issuer")
        if self.method is not AuthMethod.LOCAL_CLI and self.issuer is None:
            raise ValueError(f"a {self.method.value} actor needs the issuer of its token")
        return self


CONSOLE = Authentication()
"""The embedded CLI's single user: no token, the person at the console."""


class Actor(BaseModel):
    """A person (or the system), the role they act in, and how they were authenticated.

    ``authenticated_by`` defaults to the console (``local-cli``): the HTTP API builds
    actors with ``oidc`` or ``local-token`` and the issuer of the verified token.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: OpaqueId
    role: Role
    authenticated_by: Authentication = CONSOLE

    def __str__(self) -> str:
        return f"{self.id} ({self.role.value})"
