"""§9: a rejection held for the OAR's review, as the group aggregate and the compliance
read of the projections both hold it (no event-store import: read-model queries use it)."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict


class HeldRejection(BaseModel):
    """§9: a rejection held for the OAR's review (and the request it answered)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requested_at: AwareDatetime
    held_at: AwareDatetime
    held_by: str
    criterion: str
    grounds: tuple[str, ...]
