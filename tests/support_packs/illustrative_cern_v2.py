"""A version 2 of the CERN pack for the tests: an ILLUSTRATIVE amendment, not a CERN text.

The *Guidelines for CERN Alumni Group Managers* exist in one version (last updated 6 March
2025), and the ledger installs only that one. To test that the ledger applies the rules in force on each
date, the tests install this plausible amendment, in force from 1 January 2026, the way a
real one is installed: through the ``policy_pack_versions`` setting
(``OAR_POLICY_PACK_VERSIONS=support_packs.illustrative_cern_v2:PACK_V2`` with ``tests/`` on
``PYTHONPATH``; see ``REF``). It changes two rules and nothing else:

* §24 says participation should be free of charge "wherever possible"; version 2 makes
  events for an under-18 audience free of charge (a decision rule on proposing an event).
* §18 asks managers to answer members' requests "in a timely manner"; version 2 sets
  7 days (version 1: 14) for the compliance flag.

Its clauses say "(v2, illustrative)" so that no one mistakes them for the published text.
It keeps version 1's ``source`` (the text it pretends to amend, with that text's SHA-256):
no amended text exists to cite, and its ``amendment`` line says it is not a CERN text.
It lives under tests/ so that no production ledger can enforce it by default.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from domain import commands as c
from domain.compliance import CERN_FLAGS, RequestsAnsweredInTime
from domain.policy.base import Governs, Rule, Situation, cern
from domain.policy.cern import PACK

ILLUSTRATIVE = "(v2, illustrative)"
REF = "support_packs.illustrative_cern_v2:PACK_V2"
"""The ``policy_pack_versions`` setting that installs this version."""


class FreeForUnder18s(Rule):
    """§24 as amended (illustrative): an event for an under-18 audience charges no fee."""

    name, clause = "free-for-under-18s", cern(f"§24 {ILLUSTRATIVE}")

    def check(self, situation: Situation) -> None:
        command = situation.command
        if command.under_18_audience and command.fee_per_participant > 0:
            self.refuse(
                f"an event for an under-18 audience is free of charge since 2026-01-01 "
                f"(fee {command.fee_per_participant} asked)"
            )


def _amended_flags() -> tuple:
    timely = RequestsAnsweredInTime(cern(f"§18 {ILLUSTRATIVE}"), days=7)
    return tuple(timely if isinstance(flag, RequestsAnsweredInTime) else flag for flag in CERN_FLAGS)


def _amended_decisions() -> dict:
    proposing = PACK.decisions[c.ProposeGathering]
    amended = Governs(proposing.clause, (*proposing.rules, FreeForUnder18s()))
    return {**PACK.decisions, c.ProposeGathering: amended}


PACK_V2 = replace(
    PACK,
    decisions=_amended_decisions(),
    flags=_amended_flags(),
    version="2",
    effective_from=date(2026, 1, 1),
    amendment=(
        "ILLUSTRATIVE amendment (not a CERN text): events for an under-18 audience are free "
        "of charge (§24); members' requests answered within 7 days, was 14 (§18)."
    ),
)


def installing_env() -> dict[str, str]:
    """What an ``oar-ledger`` process needs in its environment to install this version:
    the setting, and tests/ on its import path."""
    tests = Path(__file__).resolve().parents[1]
    return {"OAR_POLICY_PACK_VERSIONS": REF, "PYTHONPATH": str(tests)}
