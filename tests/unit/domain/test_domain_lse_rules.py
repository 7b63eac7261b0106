"""The LSE pack's own rules: sections cited by title, answers within 3 *working* days
(weekends and configured closure days do not count), the annual activity plan, and no own
alumni databases or mailing lists. Each with accept and refuse-or-flag tests."""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace as NS

import pytest
from test_domain_support import (
    DAY,
    M1,
    OAR,
    T0,
    accepted,
    active_group,
    member,
    propose_command,
    refused,
    request_group,
)

from domain import commands as c
from domain import compliance as cc
from domain.calendar import WorkingCalendar
from domain.events import group as e
from domain.policy import lse
from domain.policy.base import OAR_GOVERNANCE
from domain.policy.lse_rules import AnnualActivityPlanShared, NoOwnAlumniData, RequestsAnsweredInWorkingDays
from domain.values import GroupStatus

pytestmark = pytest.mark.unit

FRIDAY = date(2025, 1, 10)  # T0's date
# The section titles of the LSE text (*Advice for Alumni Volunteers*); its untitled opening
# paragraphs are cited as 'Alumni groups' ¶1 and ¶2.
TITLES = {"Alumni groups", "Alumni Group Event and Communication Requests", "Social Media channels"}


def _lse_group():
    group = request_group("lse-nyc", pack="lse", visibility="public", managers=("m-1",))
    group.approve(c.ApproveGroup(actor=OAR, group="lse-nyc", reason="welcome"), T0)
    return group


def _plan(year: int = 2025, actor=M1) -> c.ShareActivityPlan:
    return c.ShareActivityPlan(actor=actor, group="lse-nyc", year=year, summary="four talks and a dinner")


def _data(kind: str = "mailing-list") -> c.ReportAlumniData:
    return c.ReportAlumniData(actor=member("a-1"), group="lse-nyc", kind=kind, description="a list of members",
                              reason="seen in an invitation")  # fmt: skip


# -- citations ---------------------------------------------------------------------------------


def test_every_lse_citation_names_a_section_title_never_a_file() -> None:
    clauses = [g.clause for g in lse.PACK.decisions.values()] + [f.clause for f in lse.PACK.flags]
    clauses += [rule.clause for g in lse.PACK.decisions.values() for rule in g.rules]
    for clause in clauses:
        assert "seeds/" not in clause and ".txt" not in clause
        if clause == OAR_GOVERNANCE:  # no-oar-decision-on-own-group: the OAR's rule, not the LSE text's
            continue
        title = clause.split("'")[1]
        assert title in TITLES, clause


# -- working days --------------------------------------------------------------------------------


def test_working_days_skip_weekends_and_closure_days() -> None:
    plain = WorkingCalendar()
    assert plain.working_days_between(FRIDAY, FRIDAY + timedelta(days=5)) == 3  # Mon, Tue, Wed
    assert plain.working_days_between(FRIDAY, FRIDAY + timedelta(days=2)) == 0  # the weekend
    assert plain.working_days_between(FRIDAY, FRIDAY) == 0
    closed = WorkingCalendar.closed_on([FRIDAY + timedelta(days=3), FRIDAY + timedelta(days=1)])  # Mon; a Saturday
    assert closed.working_days_between(FRIDAY, FRIDAY + timedelta(days=5)) == 2


def test_working_days_by_arithmetic_equal_a_day_by_day_count() -> None:
    rng = random.Random(16)
    closures = WorkingCalendar.closed_on(FRIDAY + timedelta(days=rng.randrange(400)) for _ in range(20))
    for _ in range(200):
        start = FRIDAY + timedelta(days=rng.randrange(300))
        end = start + timedelta(days=rng.randrange(120))
        counted = sum(closures.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
        assert closures.working_days_between(start, end) == counted


def test_an_event_request_undecided_after_three_working_days_is_flagged_with_its_section() -> None:
    group = _lse_group()
    group.propose_gathering(propose_command(group), T0)  # Friday
    check = RequestsAnsweredInWorkingDays()
    assert check.evaluate(group, T0 + 5 * DAY) == []  # Wednesday: 3 working days
    (flag,) = check.evaluate(group, T0 + 6 * DAY)  # Thursday: 4
    assert flag.clause == "LSE-AG 'Alumni Group Event and Communication Requests'"
    assert flag.detail == "event request meetup waiting 4 working days (3 expected)"
    closed_monday = check.with_calendar(WorkingCalendar.closed_on([FRIDAY + timedelta(days=3)]))
    assert closed_monday.evaluate(group, T0 + 6 * DAY) == []  # Monday closed: still 3
    assert closed_monday.with_limit(5).calendar == closed_monday.calendar
    assert flag in cc.evaluate(lse.PACK.flags, group, T0 + 6 * DAY)
    group.approve_gathering(c.ApproveGathering(actor=OAR, group="lse-nyc", gathering="meetup", reason="fine"), T0 + 6 * DAY)
    assert check.evaluate(group, T0 + 9 * DAY) == []  # answered


# -- the annual activity plan --------------------------------------------------------------------


def test_the_committee_shares_its_plan_for_this_or_next_year() -> None:
    group = _lse_group()
    event = accepted(group, group.share_activity_plan, _plan(2025), T0 + DAY)
    assert isinstance(event, e.ActivityPlanShared) and (event.year, event.summary) == (2025, "four talks and a dinner")
    assert event.clause == "LSE-AG 'Alumni groups' ¶1"
    accepted(group, group.share_activity_plan, _plan(2026), T0 + DAY)
    assert set(group.activity_plans) == {2025, 2026}


def test_a_plan_for_a_past_year_or_by_someone_else_is_refused() -> None:
    group = _lse_group()
    refused(group, group.share_activity_plan, _plan(2024), T0, rule="plan-for-this-or-next-year",
            section="'Alumni groups' ¶1", source="LSE-AG")  # fmt: skip
    refused(group, group.share_activity_plan, _plan(2025, actor=member("a-1")), T0,
            rule="organising-committee-plans", section="'Alumni groups' ¶1", source="LSE-AG")  # fmt: skip
    cern_group = active_group()
    with pytest.raises(Exception) as caught:
        cern_group.share_activity_plan(_plan().model_copy(update={"group": "cms"}), T0)
    assert getattr(caught.value, "rule", None) == "command-not-governed"


def test_an_active_group_without_a_plan_this_year_is_flagged_until_it_shares_one() -> None:
    group = _lse_group()
    check = AnnualActivityPlanShared()
    (flag,) = check.evaluate(group, T0 + DAY)
    assert (flag.rule, flag.clause) == ("annual-activity-plan", "LSE-AG 'Alumni groups' ¶1")
    assert "2025" in flag.detail
    group.share_activity_plan(_plan(2025), T0 + 2 * DAY)
    assert check.evaluate(group, T0 + 3 * DAY) == []
    assert check.evaluate(group, T0 + DAY) != []  # reviewed on a date before it was shared
    assert check.evaluate(group, T0 + 365 * DAY) != []  # a new year needs a new plan
    assert check.evaluate(NS(slug="x", status=GroupStatus.REQUESTED, activity_plans={}), T0) == []


# -- own alumni databases and mailing lists ------------------------------------------------------


@pytest.mark.parametrize("kind", ["database", "mailing-list"])
def test_a_reported_own_database_or_mailing_list_is_recorded_and_flagged(kind: str) -> None:
    group = _lse_group()
    event = accepted(group, group.report_alumni_data, _data(kind), T0 + DAY)
    assert isinstance(event, e.AlumniDataReported) and event.kind.value == kind
    assert event.clause == "LSE-AG 'Alumni groups' ¶2"
    assert NoOwnAlumniData().evaluate(group, T0) == []  # before the report
    (flag,) = NoOwnAlumniData().evaluate(group, T0 + 2 * DAY)
    assert (flag.rule, flag.clause) == ("no-own-alumni-data", "LSE-AG 'Alumni groups' ¶2")
    assert kind in flag.detail
    assert flag in cc.evaluate(lse.PACK.flags, group, T0 + 2 * DAY)


def test_alumni_data_reports_are_an_lse_rule_only() -> None:
    cern_group = active_group()
    with pytest.raises(Exception) as caught:
        cern_group.report_alumni_data(_data().model_copy(update={"group": "cms"}), T0)
    assert getattr(caught.value, "rule", None) == "command-not-governed"


def test_the_engagement_team_approves_or_rejects_an_event_request_once() -> None:
    group = _lse_group()
    group.propose_gathering(propose_command(group), T0)
    reject = c.RejectGathering(actor=OAR, group="lse-nyc", gathering="meetup", reason="no room in the newsletter")
    event = accepted(group, group.reject_gathering, reject, T0 + DAY)
    assert event.clause == "LSE-AG 'Alumni Group Event and Communication Requests'"
    refused(group, group.approve_gathering,
            c.ApproveGathering(actor=OAR, group="lse-nyc", gathering="meetup", reason="on second thoughts"),
            T0 + 2 * DAY, rule="request-awaits-engagement-team",
            section="'Alumni Group Event and Communication Requests'", source="LSE-AG")  # fmt: skip
