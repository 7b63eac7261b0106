"""Compliance flags (soft rules): each raises its flag in a built scenario and stays quiet
in a compliant one. Flags never refuse anything; they are computed for a review date."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace as NS

import pytest
from test_domain_support import (
    DAY,
    M1,
    OAR,
    T0,
    active_group,
    cites,
    gathering_in,
    join_members,
    member,
)

from domain import commands as c
from domain import compliance as cc
from domain.values import GroupStatus

pytestmark = pytest.mark.unit

SEASONAL = {  # one event per season of 2025
    "winter-talk": datetime(2025, 2, 10, 18, tzinfo=timezone.utc),
    "spring-visit": datetime(2025, 4, 10, 18, tzinfo=timezone.utc),
    "summer-bbq": datetime(2025, 7, 10, 18, tzinfo=timezone.utc),
    "autumn-lecture": datetime(2025, 10, 10, 18, tzinfo=timezone.utc),
}
REVIEW = datetime(2025, 12, 31, 12, tzinfo=timezone.utc)


def held(group, slug: str, starts_at: datetime, *, unregistered: tuple[str, ...] = ()) -> None:
    """An event proposed, approved, listed four weeks ahead, attended by a-1."""
    gathering_in(group, slug, at=T0 + DAY, starts_at=starts_at)
    group.list_gathering(
        c.ListGathering(actor=M1, group=group.slug, gathering=slug, listed_on=(starts_at - 28 * DAY).date()),
        starts_at - 28 * DAY,  # listed on the day it says
    )
    group.register_participant(
        c.RegisterParticipant(actor=M1, group=group.slug, gathering=slug, member="a-1"), T0 + 2 * DAY
    )
    group.record_attendance(
        c.RecordAttendance(
            actor=M1,
            group=group.slug,
            gathering=slug,
            marks={"a-1": "attended"},
            unregistered_attendees=unregistered,
        ),
        starts_at + DAY,
    )


def compliant_group():
    group = active_group(visibility="public")
    join_members(group, "a-1")
    for slug, starts_at in SEASONAL.items():
        held(group, slug, starts_at)
    return group


def names(flags: list[cc.Flag]) -> set[str]:
    return {flag.rule for flag in flags}


def test_a_compliant_group_raises_no_cern_flag() -> None:
    group = compliant_group()
    assert cc.evaluate(cc.CERN_FLAGS, group, REVIEW) == []


def test_every_cern_flag_cites_a_cern_clause() -> None:
    for check in cc.CERN_FLAGS:
        assert check.name and check.clause.startswith("CERN-AG ")


def test_season_boundaries() -> None:
    months = {m: cc.season(datetime(2025, m, 1).date()) for m in range(1, 13)}
    assert [months[m] for m in (12, 1, 2)] == ["winter"] * 3
    assert [months[m] for m in (3, 4, 5)] == ["spring"] * 3
    assert [months[m] for m in (6, 7, 8)] == ["summer"] * 3
    assert [months[m] for m in (9, 10, 11)] == ["autumn"] * 3


# -- §19 inactive for over a year ----------------------------------------------------------


def test_s19_inactive_over_a_year_is_flagged() -> None:
    group = active_group()
    check = cc.InactiveOverAYear()
    (flag,) = check.evaluate(group, T0 + 366 * DAY)
    assert (flag.rule, flag.group) == ("inactive-over-a-year", "cms")
    assert cites(flag.clause, "§19") and "366 days" in flag.detail
    assert check.evaluate(group, T0 + 365 * DAY) == []


def test_s19_recent_activity_or_a_closed_status_raises_no_inactivity_flag() -> None:
    group = active_group(visibility="public")
    join_members(group, "a-1", at=T0 + 100 * DAY)
    assert cc.InactiveOverAYear().evaluate(group, T0 + 400 * DAY) == []
    idle = active_group("atlas")
    idle.deactivate(
        c.DeactivateGroup(actor=OAR, group="atlas", discussed_with_managers=True, reason="idle"), T0 + 400 * DAY
    )
    assert cc.InactiveOverAYear().evaluate(idle, T0 + 800 * DAY) == []


# -- §23 four events a year, one per season -------------------------------------------------


def test_s23_fewer_than_four_events_are_flagged() -> None:
    group = active_group(visibility="public")
    join_members(group, "a-1")
    for slug, starts_at in list(SEASONAL.items())[:3]:
        held(group, slug, starts_at)
    (flag,) = cc.FourEventsAYear().evaluate(group, REVIEW)
    assert cites(flag.clause, "§23")
    assert flag.detail.startswith("3 event(s)") and "autumn" in flag.detail


def test_s23_a_missing_season_is_flagged_even_with_four_events() -> None:
    group = active_group(visibility="public")
    join_members(group, "a-1")
    dates = list(SEASONAL.values())[:3] + [datetime(2025, 7, 20, 18, tzinfo=timezone.utc)]
    for index, starts_at in enumerate(dates):
        held(group, f"event-{index}", starts_at)
    (flag,) = cc.FourEventsAYear().evaluate(group, REVIEW)
    assert flag.detail.startswith("4 event(s)") and flag.detail.endswith("no event in autumn")


def test_s23_only_events_approved_by_the_oar_count() -> None:
    group = compliant_group()
    gathering_in(group, "unapproved", approve=False, at=T0 + DAY, starts_at=datetime(2025, 11, 1, tzinfo=timezone.utc))
    assert cc.FourEventsAYear().evaluate(group, REVIEW) == []
    shy = active_group("atlas", visibility="public")
    for slug, starts_at in SEASONAL.items():
        gathering_in(shy, slug, approve=False, at=T0 + DAY, starts_at=starts_at)
    assert names(cc.FourEventsAYear().evaluate(shy, REVIEW)) == {"four-events-a-year"}


def test_s23_events_outside_the_last_twelve_months_do_not_count() -> None:
    group = compliant_group()
    assert cc.FourEventsAYear().evaluate(group, REVIEW) == []
    assert cc.FourEventsAYear().evaluate(group, REVIEW + 60 * DAY) != []  # the winter talk aged out
    assert cc.FourEventsAYear().evaluate(group, datetime(2025, 9, 1, tzinfo=timezone.utc)) != []  # autumn not yet


# -- §6 social media -----------------------------------------------------------------------


def test_s6_a_reported_social_media_space_is_flagged() -> None:
    group = active_group()
    check = cc.ExternalSocialMedia()
    assert check.evaluate(group, T0 + 10 * DAY) == []
    group.report_social_media(
        c.ReportSocialMediaSpace(actor=member("a-1"), group="cms", platform="Facebook", reason="found a page"),
        T0 + 5 * DAY,
    )
    (flag,) = check.evaluate(group, T0 + 10 * DAY)
    assert cites(flag.clause, "§6") and "Facebook" in flag.detail
    assert check.evaluate(group, T0 + 4 * DAY) == []  # not yet reported on that date


# -- Annex 1 listing lead time ---------------------------------------------------------------


@pytest.mark.parametrize(("lead", "flagged"), [(7, True), (20, True), (21, False), (28, False)])
def test_annex1_listing_less_than_three_weeks_ahead_is_flagged(lead: int, flagged: bool) -> None:
    group = active_group()
    gathering_in(group, "meetup")
    starts_at = group.gatherings["meetup"].starts_at
    group.list_gathering(
        c.ListGathering(actor=M1, group="cms", gathering="meetup", listed_on=(starts_at - lead * DAY).date()),
        starts_at - lead * DAY,  # listed on the day it says
    )
    flags = cc.ListedThreeWeeksAhead().evaluate(group, T0 + 3 * DAY)
    assert bool(flags) is flagged
    if flagged:
        assert "Annex 1" in flags[0].clause and f"{lead} days ahead" in flags[0].detail


def test_annex1_an_unlisted_event_is_not_flagged_for_lead_time() -> None:
    group = active_group()
    gathering_in(group, "meetup")
    assert cc.ListedThreeWeeksAhead().evaluate(group, T0 + 3 * DAY) == []


# -- §19, §30 unregistered attendees -----------------------------------------------------------


def test_s30_unregistered_attendees_are_flagged() -> None:
    group = active_group(visibility="public")
    join_members(group, "a-1")
    held(group, "meetup", SEASONAL["spring-visit"], unregistered=("x-1", "x-2"))
    (flag,) = cc.UnregisteredAttendees().evaluate(group, REVIEW)
    assert cites(flag.clause, "§30") and cites(flag.clause, "§19")
    assert "x-1, x-2" in flag.detail
    assert cc.UnregisteredAttendees().evaluate(compliant_group(), REVIEW) == []


# -- §18 membership requests answered in time ------------------------------------------------


def test_s18_a_request_pending_over_fourteen_days_is_flagged() -> None:
    group = active_group(visibility="private")
    group.request_membership(c.RequestMembership(actor=member("a-1"), group="cms"), T0 + DAY)
    check = cc.RequestsAnsweredInTime()
    assert check.evaluate(group, T0 + 15 * DAY) == []  # waiting 14 days
    (flag,) = check.evaluate(group, T0 + 16 * DAY)  # waiting 15 days
    assert flag.rule == "requests-answered-in-time" and "a-1" in flag.detail and "15 days" in flag.detail
    assert cites(flag.clause, "§18")


def test_s18_an_answered_request_is_not_flagged() -> None:
    group = active_group(visibility="private")
    join_members(group, "a-1", at=T0 + DAY)
    assert group.pending_requests == {}
    assert cc.RequestsAnsweredInTime().evaluate(group, T0 + 100 * DAY) == []


# -- §7 manager count (a stand-in: the aggregate refuses to get there) -------------------------


def test_s7_manager_count_out_of_range_is_flagged() -> None:
    check = cc.ManagerCountOutOfRange()
    assert check.evaluate(active_group(), REVIEW) == []
    lonely = NS(slug="lonely", status=GroupStatus.ACTIVE, managers={"m-1"})
    (flag,) = check.evaluate(lonely, REVIEW)
    assert flag.group == "lonely" and "1 managers" in flag.detail
    assert check.evaluate(NS(slug="forming", status=GroupStatus.REQUESTED, managers={"m-1"}), REVIEW) == []


def test_the_scenario_flags_come_out_of_the_cern_pack_together() -> None:
    group = active_group(visibility="private")
    group.request_membership(c.RequestMembership(actor=member("a-1"), group="cms"), T0 + DAY)
    group.report_social_media(
        c.ReportSocialMediaSpace(actor=member("a-2"), group="cms", platform="Discord", reason="a server"), T0 + DAY
    )
    from domain.policy.cern import PACK

    assert names(cc.evaluate(PACK.flags, group, T0 + 400 * DAY)) == {
        "inactive-over-a-year",
        "four-events-a-year",
        "no-external-social-media",
        "requests-answered-in-time",
    }
