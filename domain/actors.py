"""Who acts. People are opaque ids only: no names, no e-mail (DESIGN: personal data)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from domain.values import Role

OpaqueId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"),
]
"""An opaque person id such as ``m-1042``: letters, digits and ``._:-``, 1-64 chars."""


class Actor(BaseModel):
    """An authenticated person (or the system) and the role they act in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: OpaqueId
    role: Role

    def __str__(self) -> str:
        return f"{self.id} ({self.role.value})"
