"""Working days: weekends and a list of closure days, passed in (the domain reads no settings)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkingCalendar:
    """Monday to Friday, except the given closure days (bank holidays, the School's closures)."""

    closures: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def closed_on(cls, days: Iterable[date]) -> WorkingCalendar:
        return cls(frozenset(days))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closures

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``).

        Counted by arithmetic (whole weeks, then the rest), so a wait of years costs nothing.
        """
        if end <= start:
            return 0
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        count = weeks * 5
        count += sum(1 for i in range(1, rest + 1) if (start + timedelta(days=i)).weekday() < 5)
        closed = sum(1 for day in self.closures if start < day <= end and day.weekday() < 5)
        return count - closed
