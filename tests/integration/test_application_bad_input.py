"""Bad input writes nothing: refused, unknown, malformed or duplicate commands leave the
event store as it was (same global position, same group version); rule refusals are
logged for audit with their rule and clause."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from test_application_support import (
    CRITERION,
    OAR,
    active_group,
    approved_gathering,
    manager,
    member,
    position,
    request_group,
    version_of,
)

from domain import commands as c
from domain.errors import AlreadyRecorded, NotFound, RuleViolation
from bootstrap import Ledger

pytestmark = pytest.mark.integration

SLUG = "cms-alumni"


@contextmanager
def writes_nothing(ledger: Ledger, slug: str | None = SLUG) -> Iterator[None]:
    """The block must not move the store's position nor the group's version."""
    before = position(ledger), (version_of(ledger, slug) if slug else None)
    yield
    after = position(ledger), (version_of(ledger, slug) if slug else None)
    assert after == before, "a refused command wrote to the event store"
    if slug:
        # the group still loads, and its last event is the one it had before
        assert ledger.app.group_events(slug)[-1].originator_version == before[1]


def logged_since(ledger: Ledger, after_id: int):
    return [refusal for _, refusal in ledger.refusals.since(after_id)]


def test_unknown_group_is_not_found_and_writes_nothing(ledger):
    active_group(ledger.app, SLUG)
    last = ledger.refusals.last_id()
    for attempt in (
        lambda: ledger.app.execute(c.ApproveGroup(actor=OAR, group="no-such-group", reason="looks fine")),
        lambda: ledger.app.execute(c.JoinGroup(actor=member("a-1"), group="no-such-group")),
        lambda: ledger.app.group("no-such-group"),
        lambda: ledger.app.group_events("no-such-group"),
    ):
        with writes_nothing(ledger), pytest.raises(NotFound) as raised:
            attempt()
        assert raised.value.kind == "group" and raised.value.ref == "no-such-group"
    # unknown event inside a known group
    with writes_nothing(ledger), pytest.raises(NotFound) as raised:
        ledger.app.execute(c.ApproveGathering(actor=OAR, group=SLUG, gathering="no-such-event", reason="fine"))
    assert raised.value.kind == "event"
    assert logged_since(ledger, last) == []  # not a rule refusal: nothing to log


@pytest.mark.parametrize(
    ("attempt", "command", "rule", "clause"),
    [
        pytest.param(
            lambda app: app.execute(c.ApproveGroup(actor=member("m-1"), group=SLUG, reason="we approve ourselves")),
            "ApproveGroup", "only-oar-decides-group-creation", "CERN-AG §11, §16", id="member-approves-group",
        ),
        pytest.param(
            lambda app: app.execute(c.TerminateGroup(actor=manager("m-1"), group=SLUG, initiative="oar", reason="we are done")),
            "TerminateGroup", "only-oar-terminates", "CERN-AG §14, §32", id="manager-terminates",
        ),
        pytest.param(
            lambda app: app.execute(c.ApproveMembership(actor=manager("m-9"), group=SLUG, member="a-1", criterion=CRITERION, reason="I know them")),
            "ApproveMembership", "only-managers-moderate", "CERN-AG §19", id="non-manager-moderates",
        ),
        pytest.param(
            lambda app: app.execute(c.RequestMembership(actor=manager("a-1"), group=SLUG)),
            "RequestMembership", "member-acts-for-themself", "CERN-AG §8, §9", id="manager-role-requests-membership",
        ),
    ],
)  # fmt: skip
def test_wrong_role_is_refused_logged_and_writes_nothing(ledger, clock, attempt, command, rule, clause):
    active_group(ledger.app, SLUG)
    ledger.app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG))
    last = ledger.refusals.last_id()
    with writes_nothing(ledger), pytest.raises(RuleViolation) as raised:
        attempt(ledger.app)
    assert (raised.value.rule, raised.value.clause) == (rule, clause)
    [logged] = logged_since(ledger, last)
    assert (logged.rule, logged.clause) == (rule, clause)
    assert logged.group_slug == SLUG and logged.message == raised.value.message
    # SQLite hands the time back naive (see the report); PostgreSQL keeps the offset.
    assert (logged.at if logged.at.tzinfo else logged.at.replace(tzinfo=UTC)) == clock()
    assert logged.command == command
    assert logged.actor_role in {"manager", "member"} and logged.actor_id in {"m-1", "m-9", "a-1"}


@pytest.mark.parametrize("reason", ["", "   ", "ok", " a  "])
def test_empty_or_short_reason_is_rejected_at_construction(ledger, reason):
    active_group(ledger.app, SLUG)
    last = ledger.refusals.last_id()
    with writes_nothing(ledger):
        for build in (
            lambda: c.ApproveGroup(actor=OAR, group=SLUG, reason=reason),
            lambda: c.TerminateGroup(actor=OAR, group=SLUG, initiative="oar", reason=reason),
            lambda: c.RejectMembership(actor=manager("m-1"), group=SLUG, member="a-1", criterion=CRITERION, reason=reason),
        ):
            with pytest.raises(ValidationError) as raised:
                build()
            assert [e["loc"] for e in raised.value.errors()] == [("reason",)]
    assert logged_since(ledger, last) == []


def test_malformed_fields_are_rejected_at_construction(ledger):
    active_group(ledger.app, SLUG)
    with writes_nothing(ledger):
        for build, field in (
            (lambda: c.ApproveGroup(actor=OAR, group="Not A Slug", reason="looks fine"), "group"),
            (lambda: c.JoinGroup(actor={"id": "a 1", "role": "member"}, group=SLUG), "actor"),
            (lambda: c.JoinGroup(actor={"id": "a-1", "role": "king"}, group=SLUG), "actor"),
            (
                lambda: c.ProposeGathering(
                    actor=manager("m-1"), group=SLUG, gathering="talk", title="Talk",
                    starts_at=datetime(2025, 5, 1, 18, 0),  # naive: no offset
                    purpose="scientific", connection="talks by former members",
                ),
                "starts_at",
            ),
        ):  # fmt: skip
            with pytest.raises(ValidationError) as raised:
                build()
            assert raised.value.errors()[0]["loc"][0] == field


def test_duplicate_group_request_is_already_recorded(ledger):
    request_group(ledger.app, SLUG)
    last = ledger.refusals.last_id()
    with writes_nothing(ledger), pytest.raises(AlreadyRecorded):
        request_group(ledger.app, SLUG, visibility="public", managers=("m-5", "m-6"), by="m-5")
    group = ledger.app.group(SLUG)
    assert group.managers == {"m-1", "m-2"} and group.visibility.value == "private"
    assert logged_since(ledger, last) == []


def test_duplicate_pending_membership_request_is_refused(ledger):
    active_group(ledger.app, SLUG)
    ledger.app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG))
    last = ledger.refusals.last_id()
    with writes_nothing(ledger), pytest.raises(RuleViolation) as raised:
        ledger.app.execute(c.RequestMembership(actor=member("a-1"), group=SLUG))
    assert raised.value.rule == "no-duplicate-membership"
    assert raised.value.clause == "CERN-AG §7, §9"
    [logged] = logged_since(ledger, last)
    assert (logged.rule, logged.clause, logged.command) == (
        "no-duplicate-membership", "CERN-AG §7, §9", "RequestMembership",
    )  # fmt: skip
    assert (logged.actor_id, logged.actor_role) == ("a-1", "member")
    assert list(ledger.app.group(SLUG).pending_requests) == ["a-1"]


CLOSED = ("terminated-group-is-closed", "CERN-AG §14, §32")


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda app: app.execute(c.RequestMembership(actor=member("a-2"), group=SLUG)), id="request-membership"),
        pytest.param(lambda app: app.execute(c.AppointManager(actor=OAR, group=SLUG, manager="m-3")), id="appoint-manager"),
        pytest.param(lambda app: app.execute(c.ReactivateGroup(actor=OAR, group=SLUG, reason="second thoughts")), id="reactivate"),
        pytest.param(lambda app: app.execute(c.TerminateGroup(actor=OAR, group=SLUG, initiative="oar", reason="once more")), id="terminate-again"),
        pytest.param(
            lambda app: app.execute(c.ProposeGathering(
                actor=manager("m-1"), group=SLUG, gathering="late-talk", title="Late talk",
                starts_at=datetime(2025, 6, 1, 18, 0, tzinfo=UTC), purpose="scientific",
                connection="talks by former members of the collaboration")),
            id="propose-event",
        ),
        pytest.param(lambda app: app.execute(c.ApproveGathering(actor=OAR, group=SLUG, gathering="colloquium", reason="fine by us")), id="approve-event"),
        pytest.param(lambda app: app.execute(c.ReportSocialMediaSpace(actor=member("a-1"), group=SLUG, platform="LinkedIn", reason="found a page")), id="report-social-media"),
    ],
)  # fmt: skip
def test_terminated_group_accepts_no_command(ledger, attempt):
    active_group(ledger.app, SLUG)
    ledger.app.execute(c.ProposeGathering(
        actor=manager("m-1"), group=SLUG, gathering="colloquium", title="Colloquium",
        starts_at=datetime(2025, 5, 1, 18, 0, tzinfo=UTC), purpose="scientific",
        connection="talks by former members of the collaboration"))  # fmt: skip
    ledger.app.execute(
        c.TerminateGroup(actor=OAR, group=SLUG, initiative="oar", reason="closed on OAR initiative")
    )
    last = ledger.refusals.last_id()
    with writes_nothing(ledger), pytest.raises(RuleViolation) as raised:
        attempt(ledger.app)
    refused = (raised.value.rule, raised.value.clause)
    # §6 reports are checked against a status list ("group-not-closed"), same clause
    assert refused in (CLOSED, ("group-not-closed", "CERN-AG §14, §32"))
    [logged] = logged_since(ledger, last)
    assert (logged.rule, logged.clause) == refused


def test_refusals_on_an_event_write_nothing(ledger, clock):
    """Substantive rules on gatherings and sponsorships: §24 fee, §26 screening, §19."""
    active_group(ledger.app, SLUG)
    approved_gathering(ledger.app, SLUG, "colloquium", datetime(2025, 4, 1, 18, 0, tzinfo=UTC))
    last = ledger.refusals.last_id()
    attempts = [
        (
            lambda: ledger.app.execute(c.ProposeGathering(
                actor=manager("m-1"), group=SLUG, gathering="dinner", title="Dinner",
                starts_at=datetime(2025, 4, 2, 19, 0, tzinfo=UTC), purpose="community-building",
                connection="annual dinner of the group", fee_per_participant="80", cost_per_participant="50")),
            "fee-at-cost",
        ),
        (
            lambda: ledger.app.execute(c.RequestSponsorship(
                actor=manager("m-1"), group=SLUG, gathering="colloquium", sponsorship="smoke",
                sponsor="Smoke SA", sector="tobacco", bidding_for_cern_contracts=False,
                offers_cern_name_or_logo=False, reason="pays for the drinks")),
            "no-weapons-or-tobacco-sponsor",
        ),
        (
            lambda: ledger.app.execute(c.RegisterParticipant(
                actor=manager("m-1"), group=SLUG, gathering="colloquium", member="a-404")),
            "participants-are-members",
        ),
    ]  # fmt: skip
    for attempt, rule in attempts:
        with writes_nothing(ledger), pytest.raises(RuleViolation) as raised:
            attempt()
        assert raised.value.rule == rule
    assert [r.rule for r in logged_since(ledger, last)] == [rule for _, rule in attempts]
    assert all(r.clause.startswith("CERN-AG §") for r in logged_since(ledger, last))
    assert ledger.app.group(SLUG).gatherings["colloquium"].sponsorships == {}
