"""Authorization decisions, pure: the role a caller acts in and what they may read."""

from __future__ import annotations

import pytest

from domain import commands as c
from domain.actors import Authentication
from domain.values import Role
from service.access import (
    AccessDenied,
    ClaimMapping,
    Principal,
    acting_role,
    actor_for,
    principal_from_claims,
    redact_group,
    require_oversight,
    sees_members,
    visible_requests,
)

pytestmark = pytest.mark.unit

LOCAL = Authentication(method="local-token", issuer="oar-ledger-local")
OAR = Principal("oar-1", is_oar=True, is_auditor=False, authentication=LOCAL)
AUDITOR = Principal("aud-1", is_oar=False, is_auditor=True, authentication=LOCAL)
PERSON = Principal("m-7", is_oar=False, is_auditor=False, authentication=LOCAL)
ALL_COMMANDS = [cls for cls in vars(c).values() if isinstance(cls, type) and issubclass(cls, c.GroupCommand)
                and cls not in (c.GroupCommand, c.GatheringCommand, c.SponsorshipCommand)]  # fmt: skip


def test_roles_come_from_the_configured_claim_only() -> None:
    mapping = ClaimMapping(claim="cern_roles", oar_value="alumni-office", auditor_value="audit")
    oar = principal_from_claims({"sub": "oar-1", "iss": "https://sso", "cern_roles": ["alumni-office"]}, mapping, "oidc")
    assert oar.is_oar and not oar.is_auditor and oar.authentication.method == "oidc"
    # the default claim name carries nothing under this mapping; odd shapes grant nothing
    # (verified claims always carry the issuer: the verifier requires ``iss``)
    verified = {"sub": "x", "iss": "https://sso"}
    for claims in ({"groups": ["alumni-office"]}, {"cern_roles": {"alumni-office": 1}}, {"cern_roles": 7}, {}):
        assert not principal_from_claims(verified | claims, mapping, "oidc").is_oar
    assert principal_from_claims(verified | {"cern_roles": "audit other"}, mapping, "oidc").is_auditor


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda cls: cls.__name__)
def test_an_auditor_may_not_write_anything(command: type) -> None:
    with pytest.raises(AccessDenied) as denied:
        acting_role(AUDITOR, command)
    assert denied.value.rule == "auditors-are-read-only"


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda cls: cls.__name__)
def test_a_non_oar_caller_never_acts_as_the_oar(command: type) -> None:
    assert acting_role(PERSON, command) in (Role.MEMBER, Role.GROUP_MANAGER)


def test_oar_decisions_are_taken_as_oar_and_own_acts_as_member() -> None:
    assert acting_role(OAR, c.ApproveGroup) is Role.OAR_OFFICER
    assert acting_role(OAR, c.TerminateGroup) is Role.OAR_OFFICER
    assert acting_role(OAR, c.JoinGroup) is Role.MEMBER  # an officer joining a group is a member
    assert acting_role(PERSON, c.ApproveGroup) is Role.MEMBER  # and the domain refuses it (§11)
    assert acting_role(PERSON, c.ApproveMembership) is Role.GROUP_MANAGER  # checked against managers
    actor = actor_for(PERSON, c.LeaveGroup)
    assert (actor.id, actor.role, actor.authenticated_by) == ("m-7", Role.MEMBER, LOCAL)


def test_oversight_is_for_the_oar_and_auditors() -> None:
    require_oversight(OAR, "refusals")
    require_oversight(AUDITOR, "refusals")
    with pytest.raises(AccessDenied):
        require_oversight(PERSON, "refusals")


VIEW = {
    "visibility": "private", "managers": ["m-1", "m-2"], "members": ["m-5", "m-7", "m-9"],
    "pending_requests": {"m-8": "t", "m-7": "t"},
    "events": [{"participants": ["m-5", "m-7"], "attendance": {"m-5": "attended"}, "unregistered_attendees": ["x"]}],
}  # fmt: skip


def test_private_member_lists_are_for_the_oar_auditors_and_the_groups_managers() -> None:
    assert sees_members(OAR, "private", ["m-1"]) and sees_members(AUDITOR, "private", ["m-1"])
    manager = Principal("m-1", False, False, LOCAL)
    assert sees_members(manager, "private", ["m-1"]) and redact_group(manager, VIEW) == VIEW
    assert sees_members(PERSON, "public", ["m-1"]) and not sees_members(PERSON, "private", ["m-1"])
    seen = redact_group(PERSON, VIEW)
    assert seen["members"] == ["m-7"] and seen["pending_requests"] == {"m-7": "t"}
    assert seen["events"][0]["participants"] == ["m-7"] and seen["events"][0]["attendance"] == {}


def test_members_see_only_their_own_requests_managers_their_groups() -> None:
    rows = [{"group": "a", "member": "m-7"}, {"group": "a", "member": "m-8"}, {"group": "b", "member": "m-9"}]
    assert visible_requests(PERSON, rows, managed=[]) == [rows[0]]
    assert visible_requests(PERSON, rows, managed=["b"]) == [rows[0], rows[2]]
    assert visible_requests(AUDITOR, rows, managed=[]) == rows
