"""Compliance and group listings as an auditor asks for them: on a date, or today.

* On a date (``compliance_on``, ``groups_as_of``): each group's state is rebuilt from its
  events up to the end of that date (the event store is the source of truth), so an answer
  about 2024 never sees what happened in 2025. Groups requested later do not appear.
* Today (``compliance_today``, ``groups_today``): from the read models, which are quick but
  may lag the store. Every such answer carries its :class:`Freshness`; a stale answer says
  so and is never presented as clean (see :attr:`ComplianceAnswer.clean`).

Explicit parameters only (the CLI and the HTTP API both call these).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, func, select

from domain.compliance import Flag, RequestsAnsweredInTime, evaluate
from domain.errors import NotFound
from domain.policy.registry import policy_pack
from projections.compliance import compliance_view
from projections.queries import group_rows
from projections.tables import audit_trail


def end_of(day: date) -> datetime:
    """The last moment of ``day`` in ledger time (UTC)."""
    return datetime.combine(day, time(23, 59, 59, 999999), tzinfo=UTC)


@dataclass(frozen=True)
class Freshness:
    """How far the read models have got: their highest projected ledger position against
    the store's head. ``behind`` counts positions (PostgreSQL may leave gaps in them)."""

    projected_position: int
    projected_events: int
    store_position: int

    @property
    def behind(self) -> int:
        return max(0, self.store_position - self.projected_position)

    @property
    def fresh(self) -> bool:
        return self.behind == 0

    def warning(self) -> str | None:
        if self.fresh:
            return None
        if self.projected_events == 0:
            return (f"the read models are empty but the store holds events up to position {self.store_position}: "
                    "run `oar-ledger project --once`; this answer says nothing about compliance")  # fmt: skip
        return (f"the read models are behind the store (projected up to position {self.projected_position} "
                f"of {self.store_position}): run `oar-ledger project --once`; this answer may be incomplete")  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {"projected_position": self.projected_position, "projected_events": self.projected_events,
                "store_position": self.store_position, "behind": self.behind, "fresh": self.fresh}  # fmt: skip


def read_model_freshness(connection: Connection, store_position: int) -> Freshness:
    query = select(func.max(audit_trail.c.position), func.count()).select_from(audit_trail)
    projected, count = connection.execute(query).one()
    return Freshness(projected or 0, count or 0, store_position)


@dataclass
class ComplianceAnswer:
    """Flags on ``on`` and where they come from: ``"event store"`` (as of that date) or
    ``"read models"`` (today's projected state, with its ``freshness``)."""

    on: date
    source: str
    flags: list[Flag] = field(default_factory=list)
    freshness: Freshness | None = None

    @property
    def clean(self) -> bool:
        """No flags, on an answer that can be trusted to be complete."""
        return not self.flags and (self.freshness is None or self.freshness.fresh)

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(), "as_of": end_of(self.on).isoformat(), "source": self.source,
            "fresh": self.freshness is None or self.freshness.fresh, "clean": self.clean,
            "warning": None if self.freshness is None else self.freshness.warning(),
            "freshness": None if self.freshness is None else self.freshness.to_json(),
            "flags": [{"group": f.group, "rule": f.rule, "clause": f.clause, "detail": f.detail} for f in self.flags],
        }  # fmt: skip


def _checks(pack_name: str, request_days: int | None, on: date | None = None) -> tuple[Any, ...]:
    """The compliance checks of the pack's version in force ``on`` (the latest if None)."""
    checks = policy_pack(pack_name, on).flags
    if request_days is None:
        return checks
    return tuple(RequestsAnsweredInTime(c.clause, days=request_days) if isinstance(c, RequestsAnsweredInTime) else c
                 for c in checks)  # fmt: skip


def groups_at(app: Any, moment: datetime) -> list[Any]:
    """Every group that existed at ``moment``, as it stood then (``app``: the ledger application)."""
    found = []
    for slug in app.group_slugs():
        try:
            found.append(app.group_as_of(slug, moment))
        except NotFound:  # requested after the moment
            continue
    return found


def compliance_on(app: Any, day: date, request_days: int | None = None) -> ComplianceAnswer:
    """The flags of every group as it stood at the end of ``day``, from its events up to then."""
    moment, flags = end_of(day), []
    for group in groups_at(app, moment):
        flags += evaluate(_checks(group.policy_pack, request_days, day), group, moment)
    return ComplianceAnswer(day, "event store", flags)


def compliance_today(connection: Connection, store_position: int, day: date,
                     request_days: int | None = None) -> ComplianceAnswer:  # fmt: skip
    """Today's view: the projected state judged on ``day``, with the read models' freshness."""
    freshness = read_model_freshness(connection, store_position)
    return ComplianceAnswer(day, "read models", compliance_view(connection, end_of(day), request_days), freshness)


def group_row(group: Any) -> dict[str, Any]:
    """A group as the ``groups`` listing shows it (the read model's columns)."""
    row = {name: getattr(group, name) for name in ("slug", "name", "status", "group_type", "managed_by",
                                                   "visibility", "policy_pack", "last_activity", "version")}
    row = {k: getattr(v, "value", v) for k, v in row.items()}  # enums as their values, as in the read model
    return row | {"managers": sorted(group.managers), "member_count": len(group.members)}


def as_of_moment(value: str) -> datetime:
    """An as-of moment as typed: a date (its end, UTC) or an ISO 8601 moment with an offset.
    ValueError names the rule broken."""
    try:
        return end_of(date.fromisoformat(value))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is neither a date nor an ISO 8601 moment") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value[:40]!r} needs an offset, e.g. 2025-06-01T00:00+00:00")
    return moment


def groups_as_of(app: Any, moment: datetime) -> list[dict[str, Any]]:
    return [group_row(g) for g in groups_at(app, moment)]


def groups_today(connection: Connection, store_position: int) -> tuple[list[dict[str, Any]], Freshness]:
    return group_rows(connection), read_model_freshness(connection, store_position)
