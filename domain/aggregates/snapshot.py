"""Snapshots of a Group, so that loading a long-lived group does not replay its whole
history. The state is a typed pydantic model (plain dicts would come back untyped).

A snapshot is a cache, not a ledger fact: it is not hashed, chained or published, and
``oar-ledger verify`` ignores it. Its timestamp is the group's last ledger time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanSnapshotAggregate
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.aggregates.gatherings import Gathering
from domain.held_rejection import HeldRejection
from domain.values import GroupStatus, GroupType, ManagedBy, Visibility


class GroupState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    created_on: AwareDatetime
    modified_on: AwareDatetime
    last_hash: str
    slug: str
    name: str
    group_type: GroupType
    managed_by: ManagedBy
    visibility: Visibility
    objectives: str
    membership_criteria: tuple[str, ...]
    proposed_managers: tuple[str, ...]
    policy_pack: str
    status: GroupStatus
    managers: set[str]
    members: set[str]
    pending_requests: dict[str, datetime]
    termination_requested: bool
    social_media_reports: list[tuple[datetime, str]]
    gatherings: dict[str, Gathering]
    last_activity: datetime
    # Added later: snapshots taken before them load with these defaults.
    held_rejections: dict[str, HeldRejection] = {}
    activity_plans: dict[int, datetime] = {}
    alumni_data_reports: list[tuple[datetime, str]] = []


_FIELDS = tuple(name for name in GroupState.model_fields if name not in ("created_on", "modified_on"))


class GroupSnapshot(BaseModel, CanSnapshotAggregate[UUID]):
    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    timestamp: AwareDatetime
    topic: str
    state: GroupState

    @classmethod
    def take(cls, aggregate: Any) -> GroupSnapshot:
        values = {name: getattr(aggregate, name) for name in _FIELDS}
        state = GroupState(created_on=aggregate.created_on, modified_on=aggregate.modified_on, **values)
        return cls(
            originator_id=aggregate.id,
            originator_version=aggregate.version,
            timestamp=aggregate.modified_on,
            topic=get_topic(type(aggregate)),
            state=state,
        )

    def mutate(self, _: None) -> Any:
        aggregate = object.__new__(resolve_topic(self.topic))
        restored = {name: getattr(self.state, name) for name in _FIELDS}
        aggregate.__dict__.update(
            restored,
            _id=self.originator_id,
            _version=self.originator_version,
            _created_on=self.state.created_on,
            _modified_on=self.state.modified_on,
            _pending_events=[],
        )
        return aggregate
