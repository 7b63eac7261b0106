"""The ledger application on eventsourcing's in-memory (POPO) recorder: no I/O.

The fast paths of ``LedgerApplication.execute``: commands through the OPERATIONS table,
receipts, refusals logged once, duplicates, If-Match versions, the command cache
re-deciding on fresh state, as-of and the list of groups. The same behaviour on SQLite
and PostgreSQL, with concurrent writers, is in tests/integration.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.errors import AlreadyRecorded, NotFound, RuleViolation
from service.errors import StaleVersion
from service.ledger import LedgerApplication
from service.operations import OPERATIONS

pytestmark = pytest.mark.unit

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OAR = Actor(id="oar-1", role="oar")
M1 = Actor(id="m-1", role="manager")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


class Refusals:
    """Collects refusals in memory: the application's refusal log port."""

    def __init__(self) -> None:
        self.recorded: list = []

    def record(self, refusal) -> None:
        self.recorded.append(refusal)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def refusals() -> Refusals:
    return Refusals()


def in_memory(clock: Clock, refusals: Refusals, cache_size: int = 0) -> LedgerApplication:
    return LedgerApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock, refusals=refusals, cache_size=cache_size
    )


@pytest.fixture(params=[0, 100], ids=["no-cache", "cache"])
def app(request, clock: Clock, refusals: Refusals) -> LedgerApplication:
    return in_memory(clock, refusals, cache_size=request.param)


def request_cms(app: LedgerApplication, managers: tuple[str, ...] = ("m-1", "m-2")):
    return app.execute(
        c.RequestGroup(
            actor=Actor(id="m-1", role="member"),
            group="cms",
            name="CMS alumni",
            group_type="scientific-collaboration",
            managed_by="alumni",
            visibility="private",
            objectives="Keep CMS alumni in touch with the experiment",
            membership_criteria=("worked on CMS",),
            proposed_managers=managers,
        )
    )


def approve(app: LedgerApplication, **kwargs):
    return app.execute(c.ApproveGroup(actor=OAR, group="cms", reason="meets §6"), **kwargs)


def test_every_group_command_has_an_aggregate_operation() -> None:
    group_commands = {
        cls for cls in vars(c).values()
        if isinstance(cls, type) and issubclass(cls, c.GroupCommand) and not cls.__name__.endswith("Command")
    } - {c.RequestGroup}  # a request creates the group: it has its own path
    assert group_commands == set(OPERATIONS)
    assert all(callable(getattr(Group, op.__name__)) for op in OPERATIONS.values())


def test_request_and_approve_record_events_with_receipts(app: LedgerApplication) -> None:
    requested = request_cms(app)
    approved = approve(app)
    assert requested.events == ("GroupRequested.v2",) and requested.versions == (1,)
    assert approved.events == ("GroupApproved.v2",) and approved.versions == (2,)
    assert approved.positions[0] > requested.positions[0]
    assert app.group("cms").status.value == "active"
    assert [type(e).__name__ for e in app.group_events("cms")] == ["GroupRequested", "GroupApproved"]


def test_a_second_request_for_the_same_slug_is_already_recorded(app: LedgerApplication) -> None:
    request_cms(app)
    with pytest.raises(AlreadyRecorded):
        request_cms(app)
    assert len(app.group_events("cms")) == 1


def test_a_refusal_records_nothing_and_is_logged_once(app: LedgerApplication, refusals: Refusals) -> None:
    request_cms(app, managers=("m-1",))
    with pytest.raises(RuleViolation) as refused:
        approve(app)
    assert refused.value.rule == "two-managers-to-activate" and "§7" in refused.value.clause
    assert len(app.group_events("cms")) == 1
    assert [(r.rule, r.command, r.actor_id) for r in refusals.recorded] == [
        ("two-managers-to-activate", "ApproveGroup", "oar-1")
    ]


def test_unknown_group_is_not_found(app: LedgerApplication) -> None:
    with pytest.raises(NotFound):
        approve(app)
    with pytest.raises(NotFound):
        app.group_events("nope")


def test_if_match_on_an_old_version_is_stale_and_records_nothing(app: LedgerApplication) -> None:
    request_cms(app)
    with pytest.raises(StaleVersion) as stale:
        approve(app, expected_version=0)
    assert (stale.value.expected, stale.value.current) == (0, 1)
    assert approve(app, expected_version=1).versions == (2,)


def test_a_stale_cached_copy_is_re_decided_on_fresh_state(clock: Clock, refusals: Refusals) -> None:
    app = in_memory(clock, refusals, cache_size=10)
    request_cms(app, managers=("m-1",))
    # Another writer appoints the second manager behind the cache's back.
    fresh = app.group("cms")
    OPERATIONS[c.AppointManager](fresh, c.AppointManager(actor=OAR, group="cms", manager="m-2"), clock())
    app._save(fresh)
    # The cached copy has one manager and would refuse; the fresh state accepts.
    assert approve(app).versions == (3,)
    assert refusals.recorded == []


def test_a_stale_cached_copy_that_accepts_collides_and_is_re_run(clock: Clock, refusals: Refusals) -> None:
    app = in_memory(clock, refusals, cache_size=10)
    request_cms(app)
    fresh = app.group("cms")
    OPERATIONS[c.ApproveGroup](fresh, c.ApproveGroup(actor=OAR, group="cms", reason="meets §6"), clock())
    app._save(fresh)
    # On the cached (requested) copy approval is accepted, but version 2 is taken:
    # re-run on fresh state, where the group is already active and approval is refused.
    with pytest.raises(RuleViolation):
        approve(app)
    assert len(app.group_events("cms")) == 2


def test_as_of_shows_the_group_as_it_stood(app: LedgerApplication, clock: Clock) -> None:
    request_cms(app)
    clock.advance(days=3)
    approve(app)
    assert app.group_as_of("cms", T0 + timedelta(days=1)).status.value == "requested"
    assert app.group_as_of("cms", clock.now).status.value == "active"
    with pytest.raises(NotFound):
        app.group_as_of("cms", T0 - timedelta(seconds=1))


def test_group_slugs_lists_every_group_in_ledger_order(app: LedgerApplication) -> None:
    for slug in ("atlas", "cms", "lhcb"):
        app.execute(
            c.RequestGroup(
                actor=Actor(id="m-1", role="member"),
                group=slug,
                name=slug.upper(),
                group_type="scientific-collaboration",
                managed_by="alumni",
                visibility="public",
                objectives="Keep alumni in touch with the experiment",
                membership_criteria=(),
                proposed_managers=("m-1", "m-2"),
            )
        )
    assert list(app.group_slugs()) == ["atlas", "cms", "lhcb"]


def test_snapshots_keep_loading_a_long_group_equal_to_its_fold(app: LedgerApplication, clock: Clock) -> None:
    request_cms(app)
    approve(app)
    for n in range(3, 120):
        clock.advance(days=1)
        person = Actor(id=f"j-{n}", role="member")
        app.execute(c.RequestMembership(actor=person, group="cms"))
    assert app.snapshots is not None
    assert [s.originator_version for s in app.snapshots.get(app.group("cms").id)] == [100]  # one, at v100
    loaded = app.group("cms")
    folded = None
    for event in app.group_events("cms"):
        folded = event.mutate(folded)
    assert loaded.version == folded.version == 119
    assert loaded.pending_requests == folded.pending_requests


def test_a_receipt_names_what_was_recorded_and_where(app: LedgerApplication) -> None:
    requested, approved = request_cms(app), approve(app)
    assert (requested.group, requested.events, requested.versions) == ("cms", ("GroupRequested.v2",), (1,))
    assert (approved.events, approved.versions) == (("GroupApproved.v2",), (2,))
    notifications = app.recorder.select_notifications(1, 10)
    assert requested.positions + approved.positions == tuple(n.id for n in notifications) == (1, 2)
    assert requested.group_id == approved.group_id == notifications[0].originator_id
