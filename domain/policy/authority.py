"""Who may do what: role rules (§11, §14, §16, §19, §20, §22, §25, §32), and the
OAR's own conflict-of-interest safeguard. Each refuses with :class:`NotAuthorized`."""

from __future__ import annotations

from typing import NoReturn

from domain.errors import NotAuthorized
from domain.policy.base import OAR_GOVERNANCE, Rule, Situation
from domain.values import Role


class AuthorityRule(Rule):
    """A rule about who may act (not about the group's state): refuses with NotAuthorized."""

    def refuse(self, message: str) -> NoReturn:
        raise NotAuthorized(self.name, self.clause, message)


class RequiresRole(AuthorityRule):
    """The actor must act in one of the given roles."""

    def __init__(self, name: str, clause: str, *roles: Role) -> None:
        self.name, self.clause, self.roles = name, clause, roles

    def check(self, situation: Situation) -> None:
        actor = situation.command.actor
        if actor.role not in self.roles:
            allowed = " or ".join(r.value for r in self.roles)
            self.refuse(f"{actor} may not do this: only {allowed} may")


class ActorManagesGroup(AuthorityRule):
    """The actor must be a current manager of the group, acting as manager."""

    def __init__(self, name: str, clause: str, *, oar_may: bool = False) -> None:
        self.name, self.clause, self.oar_may = name, clause, oar_may

    def check(self, situation: Situation) -> None:
        actor, group = situation.command.actor, situation.group
        if self.oar_may and actor.role is Role.OAR_OFFICER:
            return
        if actor.role is not Role.GROUP_MANAGER or actor.id not in group.managers:
            who = "the OAR or one of" if self.oar_may else "one of"
            self.refuse(f"{actor} is not {who} the managers of group {group.slug}")


class ActorIsMember(AuthorityRule):
    """Membership commands are made by the member themself, acting as member."""

    name = "member-acts-for-themself"

    def __init__(self, clause: str) -> None:
        self.clause = clause

    def check(self, situation: Situation) -> None:
        actor = situation.command.actor
        if actor.role is not Role.MEMBER:
            self.refuse(f"{actor} must act as a member to join, request or leave")


class NoConflictOfInterest(AuthorityRule):
    """A person who manages a group may not also take the OAR's decisions on that group.

    The guidelines do not state this: it is an OAR governance rule (a conflict-of-interest
    safeguard), cited as such rather than as a clause."""

    name, clause = "no-oar-decision-on-own-group", OAR_GOVERNANCE

    def check(self, situation: Situation) -> None:
        actor, group = situation.command.actor, situation.group
        if group is not None and actor.role is Role.OAR_OFFICER and actor.id in group.managers:
            self.refuse(f"{actor.id} manages group {group.slug} and may not take the OAR's decisions on it")
