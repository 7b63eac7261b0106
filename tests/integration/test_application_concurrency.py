"""Optimistic concurrency on one group: several applications on the same database."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from eventsourcing.persistence import IntegrityError
from test_application_support import active_group, events_named, member, position, request_group, version_of

from domain import commands as c
from domain.aggregates.group import Group
from domain.errors import AlreadyRecorded, RuleViolation
from bootstrap import build_ledger
from service.ledger import ConflictError

pytestmark = pytest.mark.integration

SLUG = "cms-alumni"
THREADS = 6


def test_second_save_of_a_stale_copy_is_an_integrity_error(ledger, settings, clock):
    active_group(ledger.app, SLUG)
    other = build_ledger(settings, clock)
    try:
        mine, theirs = ledger.app.group(SLUG), other.app.group(SLUG)
        assert mine.version == theirs.version == 2
        command = c.RequestMembership(actor=member("a-1"), group=SLUG)
        mine.request_membership(command, clock())
        theirs.request_membership(command, clock())

        ledger.app.save(mine)
        before = position(ledger)
        with pytest.raises(IntegrityError):
            other.app.save(theirs)
        assert position(ledger) == before

        events = other.app.group_events(SLUG)
        assert len(events) == 3
        assert len(events_named(events, "MembershipRequested", member_id="a-1")) == 1
        assert other.app.group(SLUG).version == 3
    finally:
        other.close()


class LockstepClock:
    """Each application's clock: ``_change`` reads it right after loading the group, so
    waiting here on the first read makes every thread hold the same version before any
    of them saves (a guaranteed conflict), instead of hoping the threads overlap."""

    def __init__(self, clock, barrier: threading.Barrier | None) -> None:
        self.clock, self.barrier, self.reads = clock, barrier, 0

    def __call__(self):
        self.reads += 1
        if self.barrier is not None and self.reads == 1:
            self.barrier.wait(timeout=30)
        return self.clock()


@pytest.mark.parametrize(
    ("lockstep", "retries", "losers_end_in"),
    [
        pytest.param(False, 5, None, id="free-race"),
        pytest.param(True, 5, "RuleViolation", id="lockstep-retry-then-refused"),
        pytest.param(True, 1, "ConflictError", id="lockstep-no-retry-conflict"),
    ],
)
def test_concurrent_duplicate_requests_record_exactly_one(ledger, settings, clock, lockstep, retries, losers_end_in):
    active_group(ledger.app, SLUG)
    racing = settings.model_copy(update={"conflict_retries": retries})
    ledgers = [build_ledger(racing, clock) for _ in range(THREADS)]  # built before the race
    loaded = threading.Barrier(THREADS) if lockstep else None
    for wired in ledgers:
        wired.app.clock = LockstepClock(clock, loaded)
    start = threading.Barrier(THREADS)
    outcomes: list[object] = [None] * THREADS

    def race(index: int) -> None:
        command = c.RequestMembership(actor=member("a-1"), group=SLUG)
        start.wait(timeout=30)
        try:
            outcomes[index] = ledgers[index].app.execute(command)
        except BaseException as error:  # noqa: BLE001 - recorded and checked below
            outcomes[index] = error

    threads = [threading.Thread(target=race, args=(i,)) for i in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        for wired in ledgers:
            wired.close()

    kinds = Counter(type(o).__name__ for o in outcomes)
    unexpected = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, (RuleViolation, ConflictError))]
    assert unexpected == [], f"unhandled errors: {unexpected!r}"
    assert kinds["Receipt"] == 1, kinds
    assert kinds["Receipt"] + kinds["RuleViolation"] + kinds["ConflictError"] == THREADS
    if losers_end_in:
        assert kinds[losers_end_in] == THREADS - 1, kinds
        reads = sum(wired.app.clock.reads for wired in ledgers)
        # the winner read the clock once; each loser once per attempt (2 when it retried)
        assert reads == 1 + (THREADS - 1) * min(retries, 2)
    for refusal in (o for o in outcomes if isinstance(o, RuleViolation)):
        assert refusal.rule == "no-duplicate-membership"

    events = ledger.app.group_events(SLUG)
    assert len(events_named(events, "MembershipRequested", member_id="a-1")) == 1
    assert len(events) == 3 and version_of(ledger, SLUG) == 3
    assert list(ledger.app.group(SLUG).pending_requests) == ["a-1"]
    # the refused re-runs were logged; conflicts are not refusals
    logged = [r for _, r in ledger.refusals.since(0)]
    assert len(logged) == kinds["RuleViolation"]


def sabotaged(saboteur_app, times: int):
    """An operation that lets ``saboteur_app`` save the group first, ``times`` times,
    between the victim's load and save, then does the victim's real work."""
    calls = {"n": 0}

    def operation(group: Group, command: c.RequestMembership, at) -> None:
        calls["n"] += 1
        if calls["n"] <= times:
            intruder = member(f"b-{calls['n']}")
            saboteur_app.execute(c.RequestMembership(actor=intruder, group=SLUG))
        Group.request_membership(group, command, at)

    return operation, calls


def test_bounded_retry_gives_up_with_conflict_error(ledger, settings, clock):
    active_group(ledger.app, SLUG)
    victim = build_ledger(settings.model_copy(update={"conflict_retries": 1}), clock)
    try:
        assert victim.app.conflict_retries == 1
        operation, calls = sabotaged(ledger.app, times=1)
        command = c.RequestMembership(actor=member("a-1"), group=SLUG)
        with pytest.raises(ConflictError, match="gave up after 1 attempts"):
            victim.app._change(command, operation)
        assert calls["n"] == 1

        events = ledger.app.group_events(SLUG)
        assert events_named(events, "MembershipRequested", member_id="a-1") == []
        assert len(events_named(events, "MembershipRequested", member_id="b-1")) == 1
        assert version_of(victim, SLUG) == 3
    finally:
        victim.close()


def test_retry_reloads_and_re_runs_the_command(ledger, settings, clock):
    active_group(ledger.app, SLUG)
    victim = build_ledger(settings.model_copy(update={"conflict_retries": 3}), clock)
    try:
        operation, calls = sabotaged(ledger.app, times=2)
        command = c.RequestMembership(actor=member("a-1"), group=SLUG)
        receipt = victim.app._change(command, operation)
        assert calls["n"] == 3
        assert receipt.versions == (5,)  # after b-1 (v3) and b-2 (v4)
        events = ledger.app.group_events(SLUG)
        assert [e.member_id for e in events_named(events, "MembershipRequested")] == ["b-1", "b-2", "a-1"]
    finally:
        victim.close()


def test_retry_sees_the_winners_change_and_refuses(ledger, settings, clock):
    """The re-run checks the rules against the reloaded group: a duplicate is refused."""
    active_group(ledger.app, SLUG)
    victim = build_ledger(settings, clock)
    try:
        calls = {"n": 0}

        def operation(group: Group, command: c.RequestMembership, at) -> None:
            calls["n"] += 1
            if calls["n"] == 1:  # the same member's request lands first through another app
                ledger.app.execute(command)
            Group.request_membership(group, command, at)

        command = c.RequestMembership(actor=member("a-1"), group=SLUG)
        with pytest.raises(RuleViolation) as raised:
            victim.app._change(command, operation)
        assert raised.value.rule == "no-duplicate-membership" and calls["n"] == 2
        events = ledger.app.group_events(SLUG)
        assert len(events_named(events, "MembershipRequested", member_id="a-1")) == 1
    finally:
        victim.close()


def test_racing_duplicate_group_requests_end_in_already_recorded(ledger, settings, clock):
    """Both writers pass the "not yet requested" check; the store's uniqueness decides and
    the loser gets AlreadyRecorded, not a raw IntegrityError."""
    other = build_ledger(settings, clock)
    try:
        other.app._exists = lambda slug: False  # as if it checked before the first one saved
        request_group(ledger.app, SLUG, managers=("m-1", "m-2"))
        before = position(ledger)
        with pytest.raises(AlreadyRecorded):
            request_group(other.app, SLUG, managers=("m-5", "m-6"), by="m-5")
        assert position(ledger) == before
        assert ledger.app.group(SLUG).managers == {"m-1", "m-2"}
    finally:
        other.close()
