"""Each group's hash chain, checked as its events are applied to the read models (pure).

``groups.last_hash`` holds the hash of the last applied event of the group. The next
version must link to it; a duplicate of that version must be that very event.
"""

from __future__ import annotations

from typing import Any

from domain.canonical import GENESIS_HASH
from domain.events.base import LedgerEvent

Row = dict[str, Any]


class ProjectionError(Exception):
    """An event that cannot be applied (out of order, unknown group, broken hash chain)."""


def _about(event: LedgerEvent, position: int) -> str:
    return f"event {event.event_id} (group {event.originator_id}, version {event.originator_version}, position {position})"


def check_link(event: LedgerEvent, group: Row | None, position: int) -> None:
    """The group's hash chain: the event's ``previous_hash`` is the last applied event's hash
    (the genesis hash for version 1). A forged or altered next version breaks it."""
    last = GENESIS_HASH if group is None else group.get("last_hash")
    if last and event.previous_hash != last:  # no last_hash: a row loaded without it (tests)
        raise ProjectionError(f"{_about(event, position)} breaks the hash chain: its previous_hash "
                              f"{event.previous_hash[:12]}… is not version {event.originator_version - 1}'s "
                              f"event_hash {last[:12]}…")  # fmt: skip


def check_same_as_applied(event: LedgerEvent, group: Row | None, position: int) -> None:
    """A duplicate of the last applied version must be that event: two different events
    claiming one version mean one of them was forged (the first may already be applied)."""
    last = None if group is None else group.get("last_hash")
    if last and event.originator_version == group["version"] and event.event_hash != last:
        raise ProjectionError(f"{_about(event, position)} differs from the version {event.originator_version} "
                              f"already applied (event_hash {event.event_hash[:12]}… vs {last[:12]}…): "
                              "two different events claim one version, one of them forged")  # fmt: skip
