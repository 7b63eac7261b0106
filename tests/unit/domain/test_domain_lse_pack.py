"""The second policy pack (LSE): a group records its pack at creation and is governed by it,
with LSE citations; commands the LSE pack does not govern are refused; CERN groups are unaffected."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest
from pydantic import ValidationError
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
from domain.errors import RuleViolation
from domain.policy import cern, lse
from domain.values import GatheringStatus, GroupStatus

pytestmark = pytest.mark.unit

LSE_TITLE = "LSE alumni group guidelines"  # a refusal cites the guidelines by title, never by file


def lse_group(**kwargs):
    return request_group("lse-nyc", pack="lse", **kwargs)


def test_an_lse_group_records_its_pack_and_lse_citations() -> None:
    group = lse_group(managers=("m-1",))
    assert group.policy_pack == "lse"
    created = group.pending_events[0]
    assert created.policy_pack == "lse"
    assert created.clause == "LSE-AG 'Alumni groups'"
    # LSE does not have the CERN two-manager rule: one organiser is enough.
    approved = accepted(group, group.approve, c.ApproveGroup(actor=OAR, group="lse-nyc", reason="welcome"), T0)
    assert approved.clause.startswith("LSE-AG")
    assert group.status is GroupStatus.ACTIVE


def test_the_same_request_under_the_cern_pack_is_governed_by_cern_rules() -> None:
    group = request_group("cms", managers=("m-1",))
    assert group.pending_events[0].clause.startswith("CERN-AG §")
    refused(
        group,
        group.approve,
        c.ApproveGroup(actor=OAR, group="cms", reason="welcome"),
        T0,
        rule="two-managers-to-activate",
        section="§7",
    )


def test_lse_requests_skip_the_cern_criteria_rule() -> None:
    lse_group(criteria=())  # CERN would refuse a private group without criteria (§9)
    with pytest.raises(RuleViolation) as caught:
        request_group("cms", criteria=())
    assert caught.value.clause.startswith("CERN-AG")


def test_lse_refusals_cite_lse_sections() -> None:
    group = lse_group()
    violation = refused(
        group,
        group.approve,
        c.ApproveGroup(actor=M1, group="lse-nyc", reason="we approve"),
        T0,
        rule="engagement-team-decides",
        section="'Alumni groups'",
        source="LSE-AG",
    )
    assert violation.clause == "LSE-AG 'Alumni groups'"
    with pytest.raises(RuleViolation) as caught:
        lse_group(requester=OAR)  # LSE: groups are requested by alumni, not the engagement team
    assert (caught.value.rule, caught.value.clause) == ("members-request-groups", "LSE-AG 'Alumni groups'")


def _active_lse():
    group = lse_group(visibility="private", managers=("m-1",))
    group.approve(c.ApproveGroup(actor=OAR, group="lse-nyc", reason="welcome"), T0)
    return group


@pytest.mark.parametrize(
    ("method", "command"),
    [
        ("appoint_manager", c.AppointManager(actor=OAR, group="lse-nyc", manager="m-2")),
        ("request_membership", c.RequestMembership(actor=member("a-1"), group="lse-nyc")),
        ("leave", c.LeaveGroup(actor=member("a-1"), group="lse-nyc")),
        ("deactivate", c.DeactivateGroup(actor=OAR, group="lse-nyc", discussed_with_managers=True, reason="idle")),
        ("request_termination", c.RequestTermination(actor=M1, group="lse-nyc", reason="done")),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_a_command_the_lse_pack_does_not_govern_is_refused(method: str, command) -> None:
    group = _active_lse()
    events, version = len(group.pending_events), group.version
    with pytest.raises(RuleViolation) as caught:
        getattr(group, method)(command, T0 + DAY)
    assert caught.value.rule == "command-not-governed"
    assert caught.value.clause == LSE_TITLE and "seeds/" not in str(caught.value)
    assert type(command).__name__ in caught.value.message and "lse" in caught.value.message
    assert (len(group.pending_events), group.version) == (events, version)


def test_lse_governs_joins_events_reports_and_termination_with_lse_clauses() -> None:
    group = _active_lse()
    joined = accepted(group, group.join, c.JoinGroup(actor=member("a-1"), group="lse-nyc"), T0 + DAY)
    assert joined.clause == "LSE-AG 'Alumni groups'"  # no §8/§9 public-private split under LSE
    proposed = accepted(group, group.propose_gathering, propose_command(group), T0 + DAY)
    assert proposed.clause == "LSE-AG 'Alumni Group Event and Communication Requests'"
    approved = accepted(
        group,
        group.approve_gathering,
        c.ApproveGathering(actor=OAR, group="lse-nyc", gathering="meetup", reason="fine"),
        T0 + DAY,
    )
    assert approved.clause.startswith("LSE-AG")
    reported = accepted(
        group,
        group.report_social_media,
        c.ReportSocialMediaSpace(actor=member("a-1"), group="lse-nyc", platform="Facebook", reason="a page"),
        T0 + DAY,
    )
    assert reported.clause == "LSE-AG 'Social Media channels'"
    ended = accepted(
        group,
        group.terminate,
        c.TerminateGroup(actor=OAR, group="lse-nyc", initiative="managers-request", reason="asked by email"),
        T0 + 2 * DAY,
    )
    assert ended.clause.startswith("LSE-AG")
    assert all(event.clause.startswith("LSE-AG") for event in group.pending_events)
    refused(
        group,
        group.join,
        c.JoinGroup(actor=member("a-2"), group="lse-nyc"),
        T0 + 3 * DAY,
        rule="terminated-group-is-closed",
        section="'Alumni groups'",
        source="LSE-AG",
    )


def test_lse_event_rules_are_not_the_cern_ones() -> None:
    group = _active_lse()
    accepted(group, group.propose_gathering, propose_command(group, political=True), T0 + DAY)
    cern_group = active_group()
    refused(
        cern_group,
        cern_group.propose_gathering,
        propose_command(cern_group, political=True),
        T0 + DAY,
        rule="relevant-event",
        section="§21",
    )


def test_lse_duplicate_join_is_refused_citing_lse() -> None:
    group = _active_lse()
    group.join(c.JoinGroup(actor=member("a-1"), group="lse-nyc"), T0 + DAY)
    with pytest.raises(RuleViolation) as caught:
        group.join(c.JoinGroup(actor=member("a-1"), group="lse-nyc"), T0 + DAY)
    assert caught.value.rule == "no-duplicate-membership"
    assert caught.value.clause.startswith("LSE-AG")


def test_the_cern_pack_is_unaffected_by_the_lse_pack() -> None:
    assert lse.PACK is not cern.PACK
    assert all(g.clause.startswith("CERN-AG §") for g in cern.PACK.decisions.values())
    assert all(g.clause.startswith("LSE-AG") for g in lse.PACK.decisions.values())
    lse_only = {c.ShareActivityPlan, c.ReportAlumniData}
    assert set(lse.PACK.decisions) - lse_only < set(cern.PACK.decisions)
    lse_group()
    cern_group = active_group()
    refused(
        cern_group,
        cern_group.appoint_manager,
        c.AppointManager(actor=member("a-1"), group="cms", manager="a-1"),
        T0,
        rule="managers-or-oar-appoint",
        section="§7",
    )


def test_lse_flags_cite_lse_sections() -> None:
    group = _active_lse()
    group.report_social_media(
        c.ReportSocialMediaSpace(actor=member("a-1"), group="lse-nyc", platform="Instagram", reason="a page"),
        T0 + DAY,
    )
    group.share_activity_plan(c.ShareActivityPlan(actor=M1, group="lse-nyc", year=2025, summary="four talks"), T0)
    (flag,) = cc.evaluate(lse.PACK.flags, group, T0 + 2 * DAY)
    assert (flag.rule, flag.clause) == ("social-media-disclaimer", "LSE-AG 'Social Media channels'")
    # T0 is a Friday: Mon, Tue, Wed are the 3 working days; Thursday is one too many.
    proposal = NS(slug="talk", status=GatheringStatus.PROPOSED, proposed_at=T0)
    waiting = NS(slug="lse-nyc", status=GroupStatus.ACTIVE, social_media_reports=[], gatherings={"talk": proposal},
                 activity_plans={2025: T0})
    (late,) = cc.evaluate(lse.PACK.flags, waiting, T0 + 6 * DAY)
    assert late.clause.startswith("LSE-AG") and "4 working days" in late.detail
    assert cc.evaluate(lse.PACK.flags, waiting, T0 + 5 * DAY) == []


def test_an_unknown_pack_is_refused_before_anything_is_recorded() -> None:
    with pytest.raises(ValidationError, match="policy_pack"):
        request_group("mit-alumni", pack="mit")
