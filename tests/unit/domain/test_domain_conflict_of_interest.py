"""The OAR governance rule: whoever manages a group may not take the OAR's decisions on it."""

from __future__ import annotations

import pytest
from test_domain_support import T0, active_group, gathering_in, request_group

from domain import commands as c
from domain.actors import Actor
from domain.errors import NotAuthorized
from domain.policy.base import OAR_GOVERNANCE
from domain.values import GroupStatus, TerminationInitiative

pytestmark = pytest.mark.unit

OAR_WHO_MANAGES = Actor(id="m-1", role="oar")  # m-1 is one of the group's managers


def test_a_manager_acting_as_oar_may_not_approve_their_own_group() -> None:
    group = request_group(managers=("m-1", "m-2"))
    with pytest.raises(NotAuthorized) as refusal:
        group.approve(c.ApproveGroup(actor=OAR_WHO_MANAGES, group="cms", reason="looks fine to me"), T0)
    assert refusal.value.rule == "no-oar-decision-on-own-group"
    assert refusal.value.clause == OAR_GOVERNANCE
    assert group.status is GroupStatus.REQUESTED and not group.pending_events[1:]


def test_a_manager_acting_as_oar_may_not_approve_their_own_groups_event_or_terminate_it() -> None:
    group = active_group()
    gathering = gathering_in(group, approve=False)
    with pytest.raises(NotAuthorized):
        group.approve_gathering(
            c.ApproveGathering(actor=OAR_WHO_MANAGES, group="cms", gathering=gathering, reason="relevant"), T0
        )
    with pytest.raises(NotAuthorized):
        group.terminate(
            c.TerminateGroup(actor=OAR_WHO_MANAGES, group="cms", initiative=TerminationInitiative.OAR,
                             reason="I say so"), T0)  # fmt: skip
    assert group.status is GroupStatus.ACTIVE


def test_an_oar_officer_who_does_not_manage_the_group_decides() -> None:
    group = request_group(managers=("m-1", "m-2"))
    group.approve(c.ApproveGroup(actor=Actor(id="oar-1", role="oar"), group="cms", reason="clear objectives"), T0)
    assert group.status is GroupStatus.ACTIVE


def test_role_refusals_are_not_authorized_refusals() -> None:
    group = request_group(managers=("m-1", "m-2"))
    with pytest.raises(NotAuthorized) as refusal:
        group.approve(c.ApproveGroup(actor=Actor(id="x-1", role="member"), group="cms", reason="I say so"), T0)
    assert refusal.value.rule == "only-oar-decides-group-creation"
