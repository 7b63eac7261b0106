"""The LSE guidelines' own rules and flags (*Advice for Alumni Volunteers*), cited by section title.

The opening paragraphs of the text have no heading: they are cited as the page's subject,
'Alumni groups', with their paragraph (¶1 the annual plan and the CRM, ¶2 alumni data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.calendar import WorkingCalendar
from domain.compliance import ComplianceCheck, ExternalSocialMedia, Flag
from domain.policy.base import Rule, Situation
from domain.policy.sources import LSE_ALUMNI_VOLUNTEER_ADVICE
from domain.values import GatheringStatus, GroupStatus


def lse(section: str) -> str:
    """A section citation of the LSE text, e.g. ``lse("Alumni groups")`` -> ``LSE-AG 'Alumni groups'``."""
    return f"{LSE_ALUMNI_VOLUNTEER_ADVICE.cited_as} '{section}'"


GROUPS = lse("Alumni groups")
PLAN = f"{GROUPS} ¶1"  # "required to plan their activity annually and share this plan"
DATA = f"{GROUPS} ¶2"  # "not permitted to create and maintain their own alumni databases and mailing lists"
REQUESTS = lse("Alumni Group Event and Communication Requests")
SOCIAL = lse("Social Media channels")


class SocialMediaNeedsDisclaimer(ExternalSocialMedia):
    """LSE allows social-media pages, with its disclaimer: a report asks for a check."""

    name, clause = "social-media-disclaimer", SOCIAL


class PlanForThisOrNextYear(Rule):
    """¶1: a plan is shared for the current year or, planning ahead, the next one."""

    name, clause = "plan-for-this-or-next-year", PLAN

    def check(self, situation: Situation) -> None:
        year, now = situation.command.year, situation.at.year
        if year not in (now, now + 1):
            self.refuse(f"a plan for {year} cannot be shared in {now}: only for {now} or {now + 1}")


class RequestsAnsweredInWorkingDays(ComplianceCheck):
    """"Once requests are received, the Alumni Engagement team aims to respond ... within 3
    working days": an event request (a proposed group event) still undecided after that is
    flagged. Weekends and closure days do not count; the closure days are configuration,
    handed in by ``with_calendar``."""

    name = "requests-answered-in-working-days"

    def __init__(self, clause: str = REQUESTS, days: int = 3, calendar: WorkingCalendar | None = None) -> None:
        self.clause, self.days = clause, days
        self.calendar = calendar or WorkingCalendar()

    def with_calendar(self, calendar: WorkingCalendar) -> RequestsAnsweredInWorkingDays:
        return type(self)(self.clause, self.days, calendar)

    def with_limit(self, days: int) -> RequestsAnsweredInWorkingDays:
        return type(self)(self.clause, days, self.calendar)

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        flags = []
        for gathering in sorted(group.gatherings.values(), key=lambda g: g.slug):
            if gathering.status is not GatheringStatus.PROPOSED or gathering.proposed_at > on:
                continue
            waited = self.calendar.working_days_between(gathering.proposed_at.date(), on.date())
            if waited > self.days:
                detail = f"event request {gathering.slug} waiting {waited} working days ({self.days} expected)"
                flags.append(self.flag(group, detail))
        return flags


class AnnualActivityPlanShared(ComplianceCheck):
    """¶1: an active group without a plan shared for the year under review is flagged."""

    name, clause = "annual-activity-plan", PLAN

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        plans = getattr(group, "activity_plans", {})
        shared = plans.get(on.year)
        if group.status is GroupStatus.ACTIVE and (shared is None or shared > on):
            return [self.flag(group, f"no activity plan shared for {on.year}")]
        return []


class NoOwnAlumniData(ComplianceCheck):
    """¶2: groups may not keep their own alumni databases or mailing lists."""

    name, clause = "no-own-alumni-data", DATA

    def evaluate(self, group: Any, on: datetime) -> list[Flag]:
        return [
            self.flag(group, f"own {kind} reported on {at.date()}: alumni data stays in the School's CRM")
            for at, kind in getattr(group, "alumni_data_reports", [])
            if at <= on
        ]
