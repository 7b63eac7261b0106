"""The compliance view from the read models, on SQLite and PostgreSQL: a scenario built to
raise each flag, relayed and projected, then `oar-ledger compliance --on DATE --json`
(the real console script) lists exactly those flags, and none for the compliant group.

Not covered: ``two-to-three-managers`` (CERN-AG §7). The rules keep an active group at two
or three managers (approval and reactivation need two, removal below two and a fourth
appointment are refused, a deactivated group cannot change its managers), so no sequence
of accepted commands reaches that flag; the domain unit tests cover the check itself.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta

import pytest
from test_projector_support import OAR, cli_env, create_topics, manager, member, oar_ledger, on_topic, open_ledger, project

from domain import commands as c
from bootstrap import build_projection_engine, build_relay
from entrypoints.demo.script import DemoRun

pytestmark = pytest.mark.integration

REVIEW = "2025-12-31"
STARTS = ["2025-02-15T18:00+00:00", "2025-05-15T18:00+00:00", "2025-08-15T18:00+00:00", "2025-11-15T18:00+00:00"]
CRITERION = "worked at CERN"
M1 = manager("m-1")


def iso(moment: datetime) -> str:
    return moment.isoformat()


def active_group(run: DemoRun, slug: str, *, private: bool = False, members: tuple[str, ...] = ("a-1", "a-2")) -> None:
    run.at("2024-12-01T09:00+00:00", c.RequestGroup(
        actor=member("m-1"), group=slug, name=slug.title(), group_type="regional", managed_by="alumni",
        visibility="private" if private else "public", objectives="Alumni meeting regularly in the tests",
        membership_criteria=(CRITERION,) if private else (), proposed_managers=("m-1", "m-2"),
    ))  # fmt: skip
    run.at("2024-12-01T10:00+00:00", c.ApproveGroup(actor=OAR, group=slug, reason="objectives clear"))
    for person in members:
        if private:
            run.at("2024-12-02T09:00+00:00", c.RequestMembership(actor=member(person), group=slug))
            run.at("2024-12-02T10:00+00:00", c.ApproveMembership(
                actor=M1, group=slug, member=person, criterion=CRITERION, reason="in the CERN records"))  # fmt: skip
        else:
            run.at("2024-12-02T09:00+00:00", c.JoinGroup(actor=member(person), group=slug))


def gatherings(run: DemoRun, slug: str, starts: list[str] = STARTS, *, lead: dict[int, int] | None = None,
               unregistered: dict[int, tuple[str, ...]] | None = None, members: tuple[str, ...] = ("a-1", "a-2"),
               held: bool = True) -> None:  # fmt: skip
    """One event per start: proposed 45 days ahead, approved, listed ``lead`` days ahead
    (30 unless told), its members registered, and (if ``held``) attendance recorded."""
    for i, start in enumerate(starts):
        at, name = datetime.fromisoformat(start), f"event-{i}"
        key = dict(group=slug, gathering=name)
        run.at(iso(at - timedelta(days=45)), c.ProposeGathering(
            actor=M1, **key, title=f"Event {i}", starts_at=start, purpose="community-building",
            connection="the group's members meet in person"))  # fmt: skip
        run.at(iso(at - timedelta(days=44)), c.ApproveGathering(actor=OAR, **key, reason="relevant"))
        listed = (at - timedelta(days=(lead or {}).get(i, 30))).replace(hour=9, minute=0)
        run.at(iso(listed), c.ListGathering(actor=M1, **key, listed_on=listed.date()))
        for person in members:
            run.at(iso(at - timedelta(days=5)),
                   c.RegisterParticipant(actor=M1, **key, member=person))  # fmt: skip
        if held:
            run.at(iso(at + timedelta(days=1)), c.RecordAttendance(
                actor=M1, **key, marks={p: "attended" for p in members},
                unregistered_attendees=(unregistered or {}).get(i, ())))  # fmt: skip


def scenario(run: DemoRun) -> None:
    active_group(run, "compliant")
    gatherings(run, "compliant")

    # §19: active, last activity (a proposal) over a year before the review, yet four
    # approved events in the last 12 months, one per season: only the inactivity flag
    run.at("2024-06-01T09:00+00:00", c.RequestGroup(
        actor=member("m-1"), group="dormant", name="Dormant", group_type="regional", managed_by="alumni",
        visibility="public", objectives="Alumni who rarely meet", proposed_managers=("m-1", "m-2")))  # fmt: skip
    run.at("2024-06-02T09:00+00:00", c.ApproveGroup(actor=OAR, group="dormant", reason="fine"))
    for i, start in enumerate(STARTS):
        run.at(f"2024-11-01T09:0{i}+00:00", c.ProposeGathering(
            actor=M1, group="dormant", gathering=f"event-{i}", title=f"Event {i}", starts_at=start,
            purpose="community-building", connection="the group's members meet in person"))  # fmt: skip
        run.at("2024-11-02T09:00+00:00", c.ApproveGathering(
            actor=OAR, group="dormant", gathering=f"event-{i}", reason="relevant"))  # fmt: skip

    active_group(run, "few-events")  # §23: two events, no summer or autumn one
    gatherings(run, "few-events", STARTS[:2])

    active_group(run, "late-listing")  # Annex 1: one event listed 10 days ahead
    gatherings(run, "late-listing", lead={1: 10})

    active_group(run, "gatecrashers")  # §19, §30: an unregistered attendee
    gatherings(run, "gatecrashers", unregistered={2: ("x-1",)})

    active_group(run, "social")  # §6: an external social-media space
    gatherings(run, "social")
    run.at("2025-06-01T09:00+00:00", c.ReportSocialMediaSpace(
        actor=OAR, group="social", platform="LinkedIn", reason="a LinkedIn group uses the name"))  # fmt: skip

    active_group(run, "waiting", private=True)  # §18: requests waiting 30 and 5 days on the review date
    gatherings(run, "waiting")
    run.at("2025-12-01T09:00+00:00", c.RequestMembership(actor=member("a-50"), group="waiting"))
    run.at("2025-12-26T09:00+00:00", c.RequestMembership(actor=member("a-51"), group="waiting"))
    run.play()


def test_compliance_lists_exactly_the_flags_raised(settings, clock, dev_broker, unique_topic, tmp_path):
    bootstrap = dev_broker.bootstrap_servers
    s = on_topic(settings, unique_topic)
    if s.uses_postgres:
        s = s.model_copy(update={"var_dir": tmp_path / "var"})
    create_topics(s, bootstrap)
    with open_ledger(s, clock) as ledger:
        run = DemoRun(app=ledger.app, clock=clock, suffix="")
        scenario(run)
        assert run.refusals == [], [(o.group, o.command, o.detail) for o in run.refusals]
        total = build_relay(ledger, bootstrap).drain()
    engine = build_projection_engine(s)  # where the CLI reads: var/projections.sqlite, or the schema
    try:
        assert project(s, engine, bootstrap) == total
    finally:
        engine.dispose()

    def compliance(*extra: str) -> list[dict]:
        done = subprocess.run([oar_ledger(), "compliance", "--on", REVIEW, *extra, "--json"], env=cli_env(s),
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout)

    flags = compliance()
    assert sorted((f["group"], f["rule"]) for f in flags) == sorted([
        ("dormant", "inactive-over-a-year"),
        ("few-events", "four-events-a-year"),
        ("late-listing", "listed-three-weeks-ahead"),
        ("gatecrashers", "participants-signed-up"),
        ("social", "no-external-social-media"),
        ("waiting", "requests-answered-in-time"),
    ])  # fmt: skip
    assert not [f for f in flags if f["group"] == "compliant"]
    by_group = {f["group"]: f for f in flags}
    assert by_group["dormant"]["clause"] == "CERN-AG §19" and "no activity for 425 days" in by_group["dormant"]["detail"]
    assert by_group["few-events"]["detail"] == "2 event(s) in the last 12 months; no event in autumn, summer"
    assert by_group["late-listing"]["detail"] == "event event-1 listed 10 days ahead (21 expected)"
    assert by_group["gatecrashers"]["detail"] == "event event-2: unregistered attendees x-1"
    assert by_group["social"]["detail"] == "external LinkedIn space reported on 2025-06-01"
    assert by_group["waiting"] == {"group": "waiting", "rule": "requests-answered-in-time", "clause": "CERN-AG §18",
                                   "detail": "request of a-50 waiting 30 days"}  # fmt: skip

    def waiting(*extra: str) -> list[str]:
        return [f["detail"] for f in compliance(*extra) if f["rule"] == "requests-answered-in-time"]

    assert waiting("--request-days", "40") == []
    assert waiting("--request-days", "3") == ["request of a-50 waiting 30 days", "request of a-51 waiting 5 days"]
