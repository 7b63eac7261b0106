"""Shared builders for the domain unit tests (imported by the other ``test_domain_*`` modules).

Kept in a ``test_``-prefixed module rather than a ``conftest.py`` so that several
authors can add files to this folder without clashing. It holds no tests itself,
except a smoke test of the builders.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.errors import RuleViolation

pytestmark = pytest.mark.unit

T0 = datetime(2025, 1, 10, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)

OAR = Actor(id="oar-1", role="oar")
M1 = Actor(id="m-1", role="manager")
M2 = Actor(id="m-2", role="manager")
M3 = Actor(id="m-3", role="manager")
CRITERIA = ("worked on CMS", "co-authored a CMS paper")


def member(person: str) -> Actor:
    return Actor(id=person, role="member")


def manager(person: str) -> Actor:
    return Actor(id=person, role="manager")


def request_group(
    slug: str = "cms",
    *,
    visibility: str = "private",
    managers: tuple[str, ...] = ("m-1",),
    criteria: tuple[str, ...] = CRITERIA,
    pack: str = "cern",
    at: datetime = T0,
    requester: Actor | None = None,
) -> Group:
    """A requested (not yet approved) group."""
    return Group.request(
        c.RequestGroup(
            actor=requester or member("m-1"),
            group=slug,
            name=slug.upper(),
            group_type="scientific-collaboration",
            managed_by="alumni",
            visibility=visibility,
            objectives="Keep CMS alumni in touch with the experiment",
            membership_criteria=criteria if visibility == "private" else (),
            proposed_managers=managers,
            policy_pack=pack,
        ),
        at,
    )


def active_group(
    slug: str = "cms",
    *,
    visibility: str = "private",
    managers: tuple[str, ...] = ("m-1", "m-2"),
    pack: str = "cern",
    at: datetime = T0,
) -> Group:
    """A group approved by the OAR with the given managers."""
    group = request_group(slug, visibility=visibility, managers=managers, pack=pack, at=at)
    group.approve(c.ApproveGroup(actor=OAR, group=slug, reason="objectives are clear"), at)
    return group


def join_members(group: Group, *people: str, at: datetime = T0) -> None:
    """Make ``people`` members: join if public, request and approve if private."""
    for person in people:
        if group.visibility.value == "public":
            group.join(c.JoinGroup(actor=member(person), group=group.slug), at)
        else:
            group.request_membership(c.RequestMembership(actor=member(person), group=group.slug), at)
            group.approve_membership(
                c.ApproveMembership(
                    actor=M1,
                    group=group.slug,
                    member=person,
                    criterion=group.membership_criteria[0],
                    reason="meets the criterion",
                ),
                at,
            )


def propose_command(group: Group, slug: str = "meetup", **overrides: Any) -> c.ProposeGathering:
    fields: dict[str, Any] = dict(
        actor=M1,
        group=group.slug,
        gathering=slug,
        title="Alumni meetup at Point 5",
        starts_at=T0 + 60 * DAY,
        purpose="community-building",
        connection="a visit to the CMS experimental cavern",
        fee_per_participant=Decimal("20.00"),
        cost_per_participant=Decimal("25.00"),
    )
    fields.update(overrides)
    return c.ProposeGathering(**fields)


def gathering_in(
    group: Group, slug: str = "meetup", *, approve: bool = True, at: datetime = T0 + DAY, **overrides: Any
) -> str:
    """Propose (and by default approve) a gathering of ``group``; return its slug."""
    group.propose_gathering(propose_command(group, slug, **overrides), at)
    if approve:
        group.approve_gathering(
            c.ApproveGathering(actor=OAR, group=group.slug, gathering=slug, reason="relevant"), at
        )
    return slug


def sponsorship_command(group: Group, gathering: str, slug: str = "acme", **overrides: Any):
    fields: dict[str, Any] = dict(
        actor=M1,
        group=group.slug,
        gathering=gathering,
        sponsorship=slug,
        sponsor="ACME Instruments",
        sector="other",
        bidding_for_cern_contracts=False,
        offers_cern_name_or_logo=False,
        reason="covers the coffee break",
    )
    fields.update(overrides)
    return c.RequestSponsorship(**fields)


def state_of(group: Group) -> dict[str, Any]:
    """A deep copy of everything a command may change."""
    return copy.deepcopy(
        {
            "status": group.status,
            "managers": group.managers,
            "members": group.members,
            "pending_requests": group.pending_requests,
            "termination_requested": group.termination_requested,
            "social_media_reports": group.social_media_reports,
            "gatherings": group.gatherings,
            "last_activity": group.last_activity,
        }
    )


def cites(clause: str, section: str) -> bool:
    """Does ``clause`` cite ``section`` exactly (``§1`` does not match ``§11``)?"""
    return re.search(re.escape(section) + r"(?![0-9])", clause) is not None


def refused(
    group: Group,
    action: Callable[[Any, datetime], None],
    command: Any,
    at: datetime,
    *,
    rule: str,
    section: str,
    source: str = "CERN-AG",
) -> RuleViolation:
    """Run ``action`` and check it is refused by ``rule`` citing ``section``, recording nothing."""
    events, version, last_hash = len(group.pending_events), group.version, group.last_hash
    before = state_of(group)
    with pytest.raises(RuleViolation) as caught:
        action(command, at)
    violation = caught.value
    assert violation.rule == rule, violation
    assert violation.clause.startswith(source), violation.clause
    assert cites(violation.clause, section), violation.clause
    assert rule in str(violation) and violation.clause in str(violation)
    assert len(group.pending_events) == events, "a refused command recorded an event"
    assert group.version == version
    assert group.last_hash == last_hash
    assert state_of(group) == before, "a refused command changed the state"
    return violation


def accepted(group: Group, action: Callable[[Any, datetime], None], command: Any, at: datetime):
    """Run ``action`` and return the one event it recorded, checking it is chained."""
    events, version, last_hash = len(group.pending_events), group.version, group.last_hash
    action(command, at)
    assert len(group.pending_events) == events + 1
    assert group.version == version + 1
    event = group.pending_events[-1]
    assert event.previous_hash == last_hash
    assert event.actor_id == command.actor.id
    assert event.actor_role == command.actor.role
    assert event.timestamp == at
    return event


def test_builders_produce_a_consistent_active_group() -> None:
    group = active_group(visibility="public")
    join_members(group, "a-1")
    slug = gathering_in(group)
    assert group.status.value == "active"
    assert group.members == {"a-1"}
    assert group.gatherings[slug].status.value == "approved"
    assert cites("CERN-AG §11, §16", "§11") and not cites("CERN-AG §11, §16", "§1")
