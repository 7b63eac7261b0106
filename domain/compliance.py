"""Soft rules: compliance flags computed for a date, never refusals.

Each check is a small named object citing its clause. It reads a group's state
(anything shaped like :class:`domain.aggregates.group.Group`: status, managers,
last_activity, pending_requests, social_media_reports, gatherings) and the date
of the review, and returns the flags it raises.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.values import GatheringStatus, GroupStatus

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Flag:
    rule: str
    clause: str
    group: str
    detail: str


class ComplianceCheck(ABC):
    name = ""
    clause = ""

    @abstractmethod
    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        """The flags this check raises for ``group`` on ``on``."""

    def flag(self, group: Any, detail: str) -> Flag:
        return Flag(self.name, self.clause, group.slug, detail)


class ManagerCountOutOfRange(ComplianceCheck):
    name, clause = "two-to-three-managers", "CERN-AG §7"

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        count = len(group.managers)
        if group.status is GroupStatus.ACTIVE and not 2 <= count <= 3:
            return [self.flag(group, f"{count} managers, 2 to 3 required")]
        return []


class InactiveOverAYear(ComplianceCheck):
    """§19: groups inactive for over one year risk deactivation by the OAR."""

    name, clause = "inactive-over-a-year", "CERN-AG §19"

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        idle = on - group.last_activity
        if group.status is GroupStatus.ACTIVE and idle > YEAR:
            return [self.flag(group, f"no activity for {idle.days} days: OAR may deactivate")]
        return []


def _held_in_last_year(group: Any, on: datetime) -> list[Any]:
    counted = (GatheringStatus.APPROVED, GatheringStatus.LISTED, GatheringStatus.HELD)
    return [
        g for g in group.gatherings.values()
        if g.status in counted and on - YEAR < g.starts_at <= on
    ]  # fmt: skip


def season(day: date) -> str:
    return ("winter", "spring", "summer", "autumn")[(day.month % 12) // 3]


class FourEventsAYear(ComplianceCheck):
    """§23: at least one event per season, four a year, is expected."""

    name, clause = "four-events-a-year", "CERN-AG §23"

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        if group.status is not GroupStatus.ACTIVE:
            return []
        held = _held_in_last_year(group, on)
        seasons = {season(g.starts_at.date()) for g in held}
        if len(held) < 4 or len(seasons) < 4:
            missing = sorted({"winter", "spring", "summer", "autumn"} - seasons)
            gap = f"; no event in {', '.join(missing)}" if missing else ""
            return [self.flag(group, f"{len(held)} event(s) in the last 12 months{gap}")]
        return []


class ExternalSocialMedia(ComplianceCheck):
    name, clause = "no-external-social-media", "CERN-AG §6, Annex 2"

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        return [
            self.flag(group, f"external {platform} space reported on {at.date()}")
            for at, platform in group.social_media_reports
            if at <= on
        ]


class ListedThreeWeeksAhead(ComplianceCheck):
    name, clause = "listed-three-weeks-ahead", "CERN-AG Annex 1"

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        return [
            self.flag(group, f"event {g.slug} listed {g.lead_days} days ahead (21 expected)")
            for g in group.gatherings.values()
            if g.lead_days is not None and g.lead_days < 21
        ]


class UnregisteredAttendees(ComplianceCheck):
    name, clause = "participants-signed-up", "CERN-AG §19, §30"

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        return [
            self.flag(group, f"event {g.slug}: unregistered attendees {', '.join(g.unregistered_attendees)}")
            for g in group.gatherings.values()
            if g.unregistered_attendees
        ]


class RequestsAnsweredInTime(ComplianceCheck):
    """A membership request waiting longer than ``days`` (§18: "in a timely manner")."""

    name = "requests-answered-in-time"

    def __init__(self, clause: str = "CERN-AG §18", days: int = 14) -> None:
        self.clause, self.days = clause, days

    def with_limit(self, days: int) -> RequestsAnsweredInTime:
        """The same check, with its own clause, and another limit (compliance --request-days)."""
        return type(self)(self.clause, days=days)

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        return [
            self.flag(group, f"request of {member} waiting {(on - at).days} days")
            for member, at in sorted(group.pending_requests.items())
            if (on - at).days > self.days
        ]


class HeldRejectionAwaitsReview(ComplianceCheck):
    """§9: a rejection held for the OAR's review is a flag until the OAR upholds or overturns it."""

    name, clause = "held-rejection-awaits-oar", "CERN-AG §9"

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        return [
            self.flag(group, f"rejection of {member} held for OAR review since {held.held_at.date()} "
                             f"(grounds: {', '.join(held.grounds) or 'unclear'})")
            for member, held in sorted(getattr(group, "held_rejections", {}).items())
            if held.held_at <= on
        ]  # fmt: skip


CERN_FLAGS: tuple[ComplianceCheck, ...] = (
    ManagerCountOutOfRange(),
    InactiveOverAYear(),
    FourEventsAYear(),
    ExternalSocialMedia(),
    ListedThreeWeeksAhead(),
    UnregisteredAttendees(),
    RequestsAnsweredInTime(),
    HeldRejectionAwaitsReview(),
)


def evaluate(checks: Iterable[ComplianceCheck], group: Any, on: datetime) -> list[Flag]:
    return [flag for check in checks for flag in check.evaluate(group, on)]


def configured(checks: tuple[ComplianceCheck, ...], request_days: int | None = None,
               calendar: Any = None) -> tuple[ComplianceCheck, ...]:  # fmt: skip
    """The same checks, each with its own clause, with another wait limit (``compliance
    --request-days``) and the configured closure days (a ``WorkingCalendar``) where they apply."""
    return tuple(_configured(check, request_days, calendar) for check in checks)


def _configured(check: ComplianceCheck, request_days: int | None, calendar: Any) -> ComplianceCheck:
    if request_days is not None and hasattr(check, "with_limit"):
        check = check.with_limit(request_days)
    if calendar is not None and hasattr(check, "with_calendar"):
        check = check.with_calendar(calendar)
    return check
