"""Who acts. People are opaque ids only: no names, no e-mail (DESIGN: personal data)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.fields import OpaqueId
from domain.values import Role

__all__ = ["Actor", "OpaqueId"]


class Actor(BaseModel):
    """An authenticated person (or the system) and the role they act in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: OpaqueId
    role: Role

    def __str__(self) -> str:
        return f"{self.id} ({self.role.value})"
