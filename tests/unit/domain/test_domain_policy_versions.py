"""Versioned policy packs and actor provenance: the version in force on a date governs a
decision and is recorded on its event; compliance on a date uses that date's version; an
event records how its actor was authenticated. The published CERN text has one version; the
tests that need a second install the ILLUSTRATIVE v2 (tests/support_packs) with ``cern_v2``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError
from test_domain_support import DAY, accepted, active_group, join_members, propose_command, refused

from domain import commands as c
from domain.actors import Actor, Authentication
from domain.compliance import evaluate
from domain.policy import cern, lse
from domain.policy.catalogue import describe
from domain.policy.registry import installed_packs, pack_versions, policy_pack
from domain.values import AuthMethod
from support_packs import illustrative_cern_v2

pytestmark = pytest.mark.unit

V1_DAY = datetime(2025, 12, 10, 9, 0, tzinfo=UTC)
V2_DAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_by_default_only_the_published_texts_are_installed_and_in_force() -> None:
    assert installed_packs() == {"cern": (cern.PACK,), "lse": (lse.PACK,)}
    assert policy_pack("cern") is policy_pack("cern", date(2026, 12, 1)) is cern.PACK
    described = str([describe(version) for versions in installed_packs().values() for version in versions])
    assert "illustrative" not in described.lower() and "free-for-under-18s" not in described
    assert [f["days"] for f in describe(cern.PACK)["flags"] if f["flag"] == "requests-answered-in-time"] == [14]


def test_the_version_in_force_is_the_latest_that_took_effect_by_that_date(cern_v2) -> None:
    assert pack_versions("cern") == (cern.PACK, cern_v2)
    assert policy_pack("cern", date(2025, 12, 31)) is cern.PACK
    assert policy_pack("cern", date(2026, 1, 1)) is cern_v2
    assert policy_pack("cern", datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) is cern.PACK
    # 00:30 on 1 January in Geneva is still 2025 in UTC, the ledger's time
    assert policy_pack("cern", datetime.fromisoformat("2026-01-01T00:30+01:00")) is cern.PACK
    assert policy_pack("cern", date(2020, 1, 1)) is cern.PACK  # the earliest governs earlier dates
    assert policy_pack("cern") is cern_v2 and policy_pack("lse", date(2026, 6, 1)) is lse.PACK
    with pytest.raises(LookupError, match="unknown policy pack 'mit'; installed: cern, lse"):
        policy_pack("mit", date(2025, 1, 1))


def test_v1_accepts_a_fee_for_an_under_18_event_and_records_version_1() -> None:
    group = active_group(at=V1_DAY)
    event = accepted(group, group.propose_gathering, propose_command(group, under_18_audience=True,
                     starts_at=V1_DAY + 60 * DAY), V1_DAY)  # fmt: skip
    assert (event.policy_pack, event.policy_version) == ("cern", "1")


def test_v2_refuses_a_fee_for_an_under_18_event_citing_the_illustrative_clause(cern_v2) -> None:
    group = active_group(at=V1_DAY)
    command = propose_command(group, under_18_audience=True, starts_at=V2_DAY + 60 * DAY)
    violation = refused(group, group.propose_gathering, command, V2_DAY, rule="free-for-under-18s", section="§24")
    assert violation.clause == "CERN-AG §24 (v2, illustrative)"


def test_without_v2_a_fee_for_an_under_18_event_is_accepted_in_2026_under_version_1() -> None:
    group = active_group(at=V1_DAY)
    command = propose_command(group, under_18_audience=True, starts_at=V2_DAY + 60 * DAY)
    assert accepted(group, group.propose_gathering, command, V2_DAY).policy_version == "1"


def test_v2_accepts_a_free_under_18_event_or_a_fee_for_adults_and_records_version_2(cern_v2) -> None:
    group = active_group(at=V1_DAY)
    free = propose_command(group, "free-day", under_18_audience=True, fee_per_participant=Decimal("0"),
                           starts_at=V2_DAY + 60 * DAY)  # fmt: skip
    assert accepted(group, group.propose_gathering, free, V2_DAY).policy_version == "2"
    adults = propose_command(group, "adults", under_18_audience=False, starts_at=V2_DAY + 60 * DAY)
    assert accepted(group, group.propose_gathering, adults, V2_DAY).policy_version == "2"


def test_every_event_of_a_group_records_the_version_in_force_when_it_was_recorded(cern_v2) -> None:
    group = active_group(at=V1_DAY)
    join_members(group, "a-1", at=V2_DAY)
    versions = [(type(e).__name__, e.policy_version) for e in group.pending_events]
    assert versions == [("GroupRequested", "1"), ("GroupApproved", "1"),
                        ("MembershipRequested", "2"), ("MembershipApproved", "2")]  # fmt: skip


def test_the_request_answer_flag_uses_the_limit_of_the_version_in_force_on_the_review_date(cern_v2) -> None:
    group = active_group(at=V1_DAY)
    group.request_membership(c.RequestMembership(actor=Actor(id="a-9", role="member"), group="cms"), V1_DAY)

    def flags(on: datetime) -> list[tuple[str, str]]:
        checks = policy_pack("cern", on).flags
        return [(f.clause, f.detail) for f in evaluate(checks, group, on) if f.rule == "requests-answered-in-time"]

    assert flags(datetime(2025, 12, 20, tzinfo=UTC)) == []  # 9 days, v1 allows 14
    assert flags(datetime(2025, 12, 31, tzinfo=UTC)) == [("CERN-AG §18", "request of a-9 waiting 20 days")]
    group2 = active_group("lhcb", at=V2_DAY)
    group2.request_membership(c.RequestMembership(actor=Actor(id="a-8", role="member"), group="lhcb"), V2_DAY)
    on = V2_DAY + 8 * DAY  # 8 days: v2 allows 7
    (flag,) = [f for f in evaluate(policy_pack("cern", on).flags, group2, on) if f.rule == "requests-answered-in-time"]
    assert (flag.clause, flag.detail) == ("CERN-AG §18 (v2, illustrative)", "request of a-8 waiting 8 days")
    assert [f for f in evaluate(cern.PACK.flags, group2, on) if f.rule == "requests-answered-in-time"] == []


def test_an_event_records_how_its_actor_was_authenticated() -> None:
    sso = Authentication(method="oidc", issuer="https://auth.cern.ch/auth/realms/cern")
    group = active_group(at=V1_DAY)
    command = c.AppointManager(actor=Actor(id="oar-7", role="oar", authenticated_by=sso), group="cms", manager="m-3")
    event = accepted(group, group.appoint_manager, command, V1_DAY)
    assert (event.actor_auth_method, event.actor_auth_issuer) == (AuthMethod.OIDC, sso.issuer)
    console = group.pending_events[0]  # requested by an Actor built without authenticated_by
    assert (console.actor_auth_method, console.actor_auth_issuer) == (AuthMethod.LOCAL_CLI, None)


@pytest.mark.parametrize(
    ("method", "issuer", "problem"),
    [("local-cli", "https://auth.cern.ch", "a local-cli actor has no token issuer"),
     ("oidc", None, "a oidc actor needs the issuer of its token"),
     ("local-token", None, "a local-token actor needs the issuer of its token"),
     ("oidc", "https://evil.example/\n", "issuer"),
     ("password", None, "method")],
)  # fmt: skip
def test_an_inconsistent_or_malformed_authentication_is_refused_naming_the_field(method, issuer, problem) -> None:
    with pytest.raises(ValidationError, match=problem):
        Authentication(method=method, issuer=issuer)


def test_the_description_lists_each_versions_rules_and_flags_with_clauses() -> None:
    v1, v2 = describe(cern.PACK), describe(illustrative_cern_v2.PACK_V2)
    assert (v1["version"], v1["effective_from"], v2["version"], v2["effective_from"]) == ("1", "2025-03-06", "2", "2026-01-01")
    proposing = {d["command"]: d for d in v2["commands"]}["ProposeGathering"]
    assert {"rule": "free-for-under-18s", "clause": "CERN-AG §24 (v2, illustrative)"} in proposing["rules"]
    assert "free-for-under-18s" not in str(v1["commands"])
    timely = [f for f in v2["flags"] if f["flag"] == "requests-answered-in-time"]
    assert timely == [{"flag": "requests-answered-in-time", "clause": "CERN-AG §18 (v2, illustrative)", "days": 7}]
    assert [f["days"] for f in v1["flags"] if f["flag"] == "requests-answered-in-time"] == [14]
