"""The command cache: a long-running process keeps the groups it saved, and a stale copy
never decides anything. Two applications on one database play two processes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_application_support import (
    CRITERION, active_group, approved_gathering, events_named, manager, member, position, version_of,
)  # fmt: skip

from domain import commands as c
from domain.errors import RuleViolation
from bootstrap import build_ledger

pytestmark = pytest.mark.integration

SLUG = "cms-alumni"


@pytest.fixture
def other(settings, clock):
    """A second process writing to the same ledger (its own cache)."""
    wired = build_ledger(settings, clock)
    yield wired
    wired.close()


def reads_of(app) -> list[int]:
    """Counts the group loads of ``app`` (the store reads a cached command skips)."""
    calls: list[int] = []
    load = app.group
    app.group = lambda slug: calls.append(1) or load(slug)
    return calls


def test_a_command_after_a_saved_one_needs_no_read(ledger):
    active_group(ledger.app, SLUG)
    loads = reads_of(ledger.app)
    ledger.app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG))
    ledger.app.execute(c.RequestMembership(actor=member("a-2"), group=SLUG))
    assert loads == []
    assert version_of(ledger, SLUG) == 4


def test_with_the_cache_off_every_command_reads_its_group(settings, clock):
    wired = build_ledger(settings.model_copy(update={"command_cache_size": 0}), clock)
    try:
        active_group(wired.app, SLUG)
        loads = reads_of(wired.app)
        wired.app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG))
        assert loads == [1]
    finally:
        wired.close()


def test_accepted_on_a_stale_copy_is_rerun_on_fresh_state_and_refused(ledger, other):
    active_group(ledger.app, SLUG)  # cached here at version 2
    request = c.RequestMembership(actor=member("a-1"), group=SLUG)
    other.app.execute(request)  # version 3, unknown to the cached copy
    refusals_before, stored_before = ledger.refusals.last_id(), position(ledger)

    with pytest.raises(RuleViolation) as refused:  # one pending request per member (§10)
        ledger.app.execute(request)

    assert "pending" in str(refused.value)
    assert position(ledger) == stored_before  # nothing written
    assert len(ledger.refusals.since(refusals_before)) == 1  # logged once, on fresh state
    assert len(events_named(ledger.app.group_events(SLUG), "MembershipRequested", member_id="a-1")) == 1


def test_refused_on_a_stale_copy_is_decided_again_on_fresh_state_and_accepted(ledger, other):
    active_group(ledger.app, SLUG)  # cached here: a-1 has no pending request
    other.app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG))
    refusals_before = ledger.refusals.last_id()

    receipt = ledger.app.execute(c.RejectMembership(
        actor=manager("m-1"), group=SLUG, member="a-1", criterion=CRITERION,
        reason="no record of membership in the collaboration"))  # fmt: skip

    assert receipt.versions == (4,)
    assert ledger.refusals.since(refusals_before) == []  # the stale refusal was never reported


def test_not_found_on_a_stale_copy_is_looked_up_again_on_fresh_state(ledger, other, clock):
    active_group(ledger.app, SLUG)  # cached here: no gatherings
    approved_gathering(other.app, SLUG, "colloquium", clock() + timedelta(days=60))

    receipt = ledger.app.execute(
        c.ProposeSpeaker(actor=manager("m-1"), group=SLUG, gathering="colloquium", speaker="s-1"))  # fmt: skip

    assert receipt.events == ("SpeakerProposed.v1",)


def test_a_command_that_fails_drops_the_cached_copy(ledger, other):
    active_group(ledger.app, SLUG)
    with pytest.raises(RuleViolation):  # a non-member cannot leave: refused on fresh state too
        ledger.app.execute(c.LeaveGroup(actor=member("a-9"), group=SLUG))
    loads = reads_of(ledger.app)
    ledger.app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG))
    assert loads == [1]  # reloaded, not the copy the refused command had in hand
    assert version_of(other, SLUG) == 3
