"""Compliance views from the read models, for a given date.

The checks are the domain's own (``domain.compliance``), fed with facts read from
the projections, so a rule is defined once. The view is the current projected
state judged on ``on``; for the state on a past date use as-of reconstruction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from domain.held_rejection import HeldRejection
from domain.calendar import WorkingCalendar
from domain.compliance import Flag, configured, evaluate
from domain.policy.registry import policy_pack
from domain.values import GatheringStatus, GroupStatus
from projections.queries import aware, group_rows
from projections.tables import (
    activity_plans,
    alumni_data_reports,
    gatherings,
    held_rejections,
    memberships,
    social_media_reports,
)


@dataclass
class GatheringFacts:
    slug: str
    starts_at: datetime
    status: GatheringStatus
    lead_days: int | None
    unregistered_attendees: tuple[str, ...]
    proposed_at: datetime | None = None


@dataclass
class GroupFacts:
    slug: str
    status: GroupStatus
    managers: set[str]
    last_activity: datetime
    pending_requests: dict[str, datetime] = field(default_factory=dict)
    social_media_reports: list[tuple[datetime, str]] = field(default_factory=list)
    gatherings: dict[str, GatheringFacts] = field(default_factory=dict)
    held_rejections: dict[str, HeldRejection] = field(default_factory=dict)
    activity_plans: dict[int, datetime] = field(default_factory=dict)
    alumni_data_reports: list[tuple[datetime, str]] = field(default_factory=list)


def compliance_view(
    connection: Connection, on: datetime, request_days: int | None = None, calendar: WorkingCalendar | None = None
) -> list[Flag]:
    """Every flag of every group on ``on``; ``request_days`` overrides the packs' wait limit,
    ``calendar`` gives the closure days of checks counted in working days."""
    flags: list[Flag] = []
    for group, pack_name in _facts(connection):
        checks = configured(policy_pack(pack_name, on).flags, request_days, calendar)  # the version in force then
        flags += evaluate(checks, group, on)
    return flags


def _facts(connection: Connection) -> list[tuple[GroupFacts, str]]:
    facts = {
        row["group_id"]: (GroupFacts(row["slug"], GroupStatus(row["status"]), set(row["managers"]),
                                     row["last_activity"]), row["policy_pack"])
        for row in group_rows(connection)
    }  # fmt: skip
    for row in connection.execute(select(memberships).where(memberships.c.status == "pending")):
        facts[row.group_id][0].pending_requests[row.member_id] = aware(row.requested_at)
    for row in connection.execute(select(social_media_reports).order_by(social_media_reports.c.position)):
        facts[row.group_id][0].social_media_reports.append((aware(row.reported_at), row.platform))
    for row in connection.execute(select(gatherings)):
        facts[row.group_id][0].gatherings[row.gathering] = GatheringFacts(
            row.gathering, aware(row.starts_at), GatheringStatus(row.status), row.lead_days,
            tuple(row.unregistered_attendees or ()), aware(row.proposed_at),
        )
    _policy_facts(connection, {gid: group for gid, (group, _) in facts.items()})
    return list(facts.values())


def _policy_facts(connection: Connection, groups: dict[str, GroupFacts]) -> None:
    """§9 held rejections, LSE activity plans and reported alumni data."""
    query = (
        select(held_rejections, memberships.c.requested_at)
        .join(memberships, (memberships.c.group_id == held_rejections.c.group_id)
              & (memberships.c.member_id == held_rejections.c.member_id))
        .where(held_rejections.c.status == "held")
    )  # fmt: skip
    for row in connection.execute(query):
        groups[row.group_id].held_rejections[row.member_id] = HeldRejection(
            requested_at=aware(row.requested_at), held_at=aware(row.held_at), held_by=row.held_by,
            criterion=row.criterion, grounds=tuple(row.grounds),
        )  # fmt: skip
    for row in connection.execute(select(activity_plans).order_by(activity_plans.c.position)):
        groups[row.group_id].activity_plans.setdefault(row.year, aware(row.shared_at))
    for row in connection.execute(select(alumni_data_reports).order_by(alumni_data_reports.c.position)):
        groups[row.group_id].alumni_data_reports.append((aware(row.reported_at), row.kind))


def flag_rows(flags: list[Flag]) -> list[dict[str, Any]]:
    return [{"group": f.group, "rule": f.rule, "clause": f.clause, "detail": f.detail} for f in flags]


def end_of(day: date) -> datetime:
    from datetime import UTC, time

    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
