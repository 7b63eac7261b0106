"""Deterministic aggregate ids: the same slug always names the same group.

A second request for a slug therefore collides with the first in the event store
(an optimistic-concurrency conflict), so duplicates are impossible, not unlikely.
"""

from __future__ import annotations

from uuid import UUID, uuid5

GROUP_NAMESPACE = UUID("2b0e7c54-5f7d-4f0b-9d4c-6a1de3f0c8a1")


def group_id(slug: str) -> UUID:
    return uuid5(GROUP_NAMESPACE, slug)
