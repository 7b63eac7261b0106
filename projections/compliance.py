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

from domain.compliance import Flag, RequestsAnsweredInTime, evaluate
from domain.policy.registry import policy_pack
from domain.values import GatheringStatus, GroupStatus
from projections.queries import aware, group_rows
from projections.tables import gatherings, memberships, social_media_reports


@dataclass
class GatheringFacts:
    slug: str
    starts_at: datetime
    status: GatheringStatus
    lead_days: int | None
    unregistered_attendees: tuple[str, ...]


@dataclass
class GroupFacts:
    slug: str
    status: GroupStatus
    managers: set[str]
    last_activity: datetime
    pending_requests: dict[str, datetime] = field(default_factory=dict)
    social_media_reports: list[tuple[datetime, str]] = field(default_factory=list)
    gatherings: dict[str, GatheringFacts] = field(default_factory=dict)


def compliance_view(connection: Connection, on: datetime, request_days: int | None = None) -> list[Flag]:
    """Every flag of every group on ``on``; ``request_days`` overrides the packs' wait limit."""
    flags: list[Flag] = []
    for group, pack_name in _facts(connection):
        checks = policy_pack(pack_name, on).flags  # the pack's version in force on that date
        if request_days is not None:  # the same checks, each with its own clause, another limit
            checks = tuple(
                RequestsAnsweredInTime(c.clause, days=request_days) if isinstance(c, RequestsAnsweredInTime) else c
                for c in checks
            )
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
            tuple(row.unregistered_attendees or ()),
        )
    return list(facts.values())


def flag_rows(flags: list[Flag]) -> list[dict[str, Any]]:
    return [{"group": f.group, "rule": f.rule, "clause": f.clause, "detail": f.detail} for f in flags]


def end_of(day: date) -> datetime:
    from datetime import UTC, time

    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)
