"""Who the caller is, and what the ledger lets them do: pure decisions, no I/O.

The actor of a command is the token's subject; the only roles a token carries are
the OAR's and the auditor's, read from a configured claim. A manager's authority is
never in a token: it is read from the group's state when the command is decided
(the domain's authority rules do that), and a member always acts for themself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain import commands as c
from domain.actors import Actor, Authentication
from domain.values import Role, Visibility
from service.errors import ServiceError

# OAR_GOVERNANCE rules the API adds before the domain sees a command.
READ_ONLY_RULE = "auditors-are-read-only"


class AccessDenied(ServiceError):
    """The caller may not do this; nothing was written. Entrypoints answer 403."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule, self.message = rule, message


@dataclass(frozen=True)
class ClaimMapping:
    """Which token claim carries group names, and which values mean OAR / auditor."""

    claim: str = "groups"
    oar_value: str = "oar-officers"
    auditor_value: str = "oar-auditors"


@dataclass(frozen=True)
class Principal:
    """A verified caller: the token's subject and the roles its claims map to."""

    subject: str
    is_oar: bool
    is_auditor: bool
    authentication: Authentication

    @property
    def sees_everything(self) -> bool:
        return self.is_oar or self.is_auditor


def principal_from_claims(claims: Mapping[str, Any], mapping: ClaimMapping, method: str) -> Principal:
    """Map verified claims to a principal. A missing or odd claim grants nothing. Verified
    claims always name their issuer (the verifier requires ``iss``): the recorded issuer."""
    values = claims.get(mapping.claim, ())
    if isinstance(values, str):
        values = values.split()
    names = {v for v in values if isinstance(v, str)} if isinstance(values, (list, tuple)) else set()
    return Principal(
        subject=str(claims["sub"]),
        is_oar=mapping.oar_value in names,
        is_auditor=mapping.auditor_value in names,
        authentication=Authentication(method=method, issuer=claims.get("iss")),
    )


OAR_DECISIONS: frozenset[type[c.Command]] = frozenset({
    c.ApproveGroup, c.RejectGroup, c.TerminateGroup, c.DeactivateGroup, c.ReactivateGroup,
    c.ApproveGathering, c.RejectGathering, c.ApproveSpeaker, c.RejectSpeaker,
    c.ApproveSponsorship, c.RejectSponsorship, c.UpholdRejection, c.OverturnRejection,
})  # fmt: skip
"""Commands only the OAR takes: a non-OAR caller acts as a member and the domain refuses."""

OWN_ACTS: frozenset[type[c.Command]] = frozenset({c.JoinGroup, c.RequestMembership, c.LeaveGroup})
"""A member acting for themself: the member is the actor, never a field of the request."""

OAR_OR_OWN: frozenset[type[c.Command]] = frozenset({
    c.RequestGroup, c.ReportSocialMediaSpace, c.ReportAlumniData, c.AppointManager, c.RemoveManager,
})  # fmt: skip
"""The OAR acts as the OAR; anyone else as who they are in the group (checked by the domain)."""


def acting_role(principal: Principal, command: type[c.Command]) -> Role:
    """The role the principal acts in for ``command``; the domain then checks it against
    the group's state (managers, members) at decision time."""
    if principal.is_auditor and not principal.is_oar:
        raise AccessDenied(READ_ONLY_RULE, f"{principal.subject} is an auditor: auditors may read, not write")
    if command in OWN_ACTS:
        return Role.MEMBER
    if command in OAR_DECISIONS:
        return Role.OAR_OFFICER if principal.is_oar else Role.MEMBER
    if command in OAR_OR_OWN:
        if principal.is_oar:
            return Role.OAR_OFFICER
        return Role.GROUP_MANAGER if command in (c.AppointManager, c.RemoveManager) else Role.MEMBER
    return Role.GROUP_MANAGER  # proposing events, moderating, attendance, sponsorship requests


def actor_for(principal: Principal, command: type[c.Command]) -> Actor:
    return Actor(
        id=principal.subject, role=acting_role(principal, command), authenticated_by=principal.authentication
    )


# -- reading -----------------------------------------------------------------------


def require_oversight(principal: Principal, what: str) -> None:
    """Refusals, the audit trail, exports, compliance and evidence: OAR and auditors."""
    if not principal.sees_everything:
        raise AccessDenied("oversight-is-oar-or-auditor", f"only the OAR and auditors may read {what}")


def sees_members(principal: Principal, visibility: Visibility | str, managers: Iterable[str]) -> bool:
    """Member lists of a private group: the OAR, auditors and the group's managers only."""
    if principal.sees_everything or Visibility(visibility) is Visibility.PUBLIC:
        return True
    return principal.subject in set(managers)


def redact_group(principal: Principal, view: dict[str, Any]) -> dict[str, Any]:
    """A group's state as this principal may see it: on a private group, others see
    only themself in the member and pending lists."""
    if sees_members(principal, view["visibility"], view["managers"]):
        return view
    me = principal.subject
    return view | {
        "members": [m for m in view["members"] if m == me],
        "pending_requests": {m: at for m, at in view["pending_requests"].items() if m == me},
        "events": [g | {"participants": [p for p in g["participants"] if p == me],
                        "attendance": {p: a for p, a in g["attendance"].items() if p == me},
                        "unregistered_attendees": []} for g in view["events"]],
    }  # fmt: skip


def sees_history(principal: Principal, visibility: Visibility | str, managers: Iterable[str]) -> bool:
    """A group's full history names its members: same audience as its member list."""
    return sees_members(principal, visibility, managers)


def visible_requests(
    principal: Principal, rows: Iterable[dict[str, Any]], managed: Iterable[str]
) -> list[dict[str, Any]]:
    """Pending membership requests: members see only their own; managers those of the
    groups they manage; the OAR and auditors all."""
    if principal.sees_everything:
        return list(rows)
    mine = set(managed)
    return [r for r in rows if r["member"] == principal.subject or r["group"] in mine]
