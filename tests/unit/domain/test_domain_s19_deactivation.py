"""CERN-AG §19 deactivation: only for a group inactive for over a year (measured from its own
events in the ledger), or on another ground that cites its clause."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from test_domain_support import DAY, OAR, T0, accepted, active_group, cites, join_members, refused

from domain import commands as c
from domain.events import group as e

pytestmark = pytest.mark.unit


def _deactivate(**fields) -> c.DeactivateGroup:
    return c.DeactivateGroup(actor=OAR, group="cms", discussed_with_managers=True, reason="idle", **fields)


def test_a_group_inactive_for_over_a_year_is_deactivated_with_its_measured_inactivity() -> None:
    group = active_group()
    join_members(group, "a-1", at=T0 + 10 * DAY)  # the last activity: the ledger, not a typed number
    event = accepted(group, group.deactivate, _deactivate(), T0 + 376 * DAY)
    assert isinstance(event, e.GroupDeactivated)
    assert event.inactive_days == 366 and event.clause == "CERN-AG §19"


def test_a_group_active_within_the_year_is_not_deactivated_for_inactivity() -> None:
    group = active_group()
    join_members(group, "a-1", at=T0 + 10 * DAY)
    violation = refused(group, group.deactivate, _deactivate(), T0 + 375 * DAY, rule="deactivation-grounds",
                        section="§19")  # fmt: skip
    assert "365 days ago" in violation.message and "cite its clause" in violation.message


def test_another_ground_is_accepted_when_it_cites_a_clause_and_the_clause_is_recorded() -> None:
    group = active_group()
    command = _deactivate(ground="other", other_clause="§12, §21")
    event = accepted(group, group.deactivate, command, T0 + 30 * DAY)
    assert event.clause == "CERN-AG §19, other ground §12, §21"
    assert cites(event.clause, "§12") and cites(event.clause, "§21") and event.inactive_days == 30


def test_another_ground_citing_no_clause_of_the_guidelines_is_refused() -> None:
    group = active_group()
    violation = refused(group, group.deactivate, _deactivate(ground="other", other_clause="§33"), T0 + DAY,
                        rule="deactivation-grounds", section="§19")  # fmt: skip
    assert "§33" in violation.message


@pytest.mark.parametrize(
    "fields",
    [dict(ground="other"), dict(other_clause="§12"), dict(ground="other", other_clause="see the minutes")],
    ids=["other-without-clause", "clause-without-other-ground", "clause-not-a-clause"],
)
def test_a_malformed_ground_is_a_validation_error_naming_the_field(fields) -> None:
    with pytest.raises(ValidationError, match="other_clause"):
        _deactivate(**fields)
