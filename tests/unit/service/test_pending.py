"""What waits for a decision (service/pending.py), from a group's events on the in-memory
recorder: each kind appears when asked and leaves when decided, days waited against the
pack's limit (CERN 14, LSE 3 working days, or the setting), nothing waits on a closed group."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import commands as c
from domain.actors import Actor
from domain.calendar import WorkingCalendar
from service.ledger import LedgerApplication
from service.pending import limit_days, oldest_first, pending_in

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OAR, M1 = Actor(id="oar-1", role="oar"), Actor(id="m-1", role="manager")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world() -> tuple[LedgerApplication, Clock]:
    clock = Clock()
    return LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock), clock


def request(app: LedgerApplication, pack: str = "cern") -> None:
    app.execute(c.RequestGroup(actor=Actor(id="m-1", role="member"), group="cms", name="CMS alumni",
                               group_type="regional", managed_by="alumni", visibility="private",
                               objectives="Connect alumni of the CMS collaboration", membership_criteria=("was in CMS",),
                               proposed_managers=("m-1", "m-2"), policy_pack=pack))  # fmt: skip


def kinds(app: LedgerApplication, on: datetime, override: int | None = None) -> list[tuple]:
    return [(i.kind, i.gathering, i.speaker, i.sponsorship, i.member, i.waited_days, i.limit_days)
            for i in oldest_first(pending_in(app.group_events("cms"), on, override))]  # fmt: skip


def test_each_kind_waits_until_decided(world) -> None:
    app, clock = world
    request(app)
    assert kinds(app, T0 + timedelta(days=15)) == [("group", None, None, None, None, 15, 14)]
    assert pending_in(app.group_events("cms"), T0 + timedelta(days=15))[0].overdue
    app.execute(c.ApproveGroup(actor=OAR, group="cms", reason="objectives clear"))
    clock.now += timedelta(days=1)
    app.execute(c.RequestMembership(actor=Actor(id="p-1", role="member"), group="cms"))
    app.execute(c.ProposeGathering(actor=M1, group="cms", gathering="talk", title="Talk", purpose="scientific",
                                   starts_at=T0 + timedelta(days=60), connection="a talk by a former member of the collaboration"))  # fmt: skip
    clock.now += timedelta(days=1)
    app.execute(c.ProposeSpeaker(actor=M1, group="cms", gathering="talk", speaker="s-1"))
    on = T0 + timedelta(days=5)
    assert kinds(app, on) == [("event", "talk", None, None, None, 4, 14), ("membership", None, None, None, "p-1", 4, 14),
                              ("speaker", "talk", "s-1", None, None, 3, 14)]  # fmt: skip
    app.execute(c.ApproveGathering(actor=OAR, group="cms", gathering="talk", reason="relevant"))
    app.execute(c.RequestSponsorship(actor=M1, group="cms", gathering="talk", sponsorship="acme", sponsor="Acme",
                                     sector="other", bidding_for_cern_contracts=False, offers_cern_name_or_logo=False,
                                     reason="room"))  # fmt: skip
    app.execute(c.ApproveSpeaker(actor=OAR, group="cms", gathering="talk", speaker="s-1", reason="expert"))
    app.execute(c.RejectMembership(actor=M1, group="cms", member="p-1", criterion="was in CMS", reason="was not"))
    assert kinds(app, on, override=2) == [("sponsorship", "talk", None, "acme", None, 3, 2)]
    app.execute(c.RejectSponsorship(actor=OAR, group="cms", gathering="talk", sponsorship="acme", reason="sector refused"))
    assert kinds(app, on) == []


def test_nothing_waits_on_a_rejected_group(world) -> None:
    app, _ = world
    request(app)
    app.execute(c.RejectGroup(actor=OAR, group="cms", reason="unclear objectives"))
    assert kinds(app, T0) == []


def test_the_limit_is_the_packs() -> None:
    assert (limit_days("cern"), limit_days("lse"), limit_days("lse", 30)) == (14, 3, 30)


def test_the_limit_is_that_of_the_version_in_force_on_the_day_asked(cern_v2) -> None:
    assert limit_days("cern", on=datetime(2025, 12, 31, tzinfo=UTC)) == 14
    assert limit_days("cern", on=datetime(2026, 1, 2, tzinfo=UTC)) == 7 == limit_days("cern")


def test_a_held_rejection_waits_for_the_oar_and_an_overturned_one_for_the_managers_again(world) -> None:
    app, clock = world
    request(app)
    app.execute(c.ApproveGroup(actor=OAR, group="cms", reason="objectives clear"))
    app.execute(c.RequestMembership(actor=Actor(id="p-1", role="member"), group="cms"))
    clock.now += timedelta(days=2)
    app.execute(c.RejectMembership(actor=M1, group="cms", member="p-1", criterion="was in CMS",
                                   reason="the applicant is Italian"))  # fmt: skip
    on = T0 + timedelta(days=5)
    (item,) = pending_in(app.group_events("cms"), on)
    assert (item.kind, item.member, item.waited_days, item.held_by, item.grounds) == (
        "held-rejection", "p-1", 3, "m-1", ("nationality",))
    assert (item.criterion, item.held_reason) == ("was in CMS", "the applicant is Italian")
    app.execute(c.OverturnRejection(actor=OAR, group="cms", member="p-1", reason="nationality is no ground"))
    assert kinds(app, on) == [("membership", None, None, None, "p-1", 5, 14)]  # waiting since it was asked
    app.execute(c.RejectMembership(actor=M1, group="cms", member="p-1", criterion="was in CMS",
                                   reason="the applicant is Italian"))  # fmt: skip
    app.execute(c.UpholdRejection(actor=OAR, group="cms", member="p-1", reason="no CMS work shown"))
    assert kinds(app, on) == []


def test_an_lse_wait_counts_working_days_without_the_closure_days(world) -> None:
    app, _ = world
    request(app, pack="lse")  # T0 is a Monday
    on = T0 + timedelta(days=7)  # the next Monday: 5 working days
    (item,) = pending_in(app.group_events("cms"), on)
    assert (item.kind, item.working_days, item.waited_days, item.limit_days, item.overdue) == ("group", True, 5, 3, True)
    closed = WorkingCalendar.closed_on([date(2025, 3, 4), date(2025, 3, 5)])
    (item,) = pending_in(app.group_events("cms"), on, calendar=closed)
    assert (item.waited_days, item.overdue) == (3, False)
