"""The demo's closing summary: groups, refusals with clauses, flags, rule coverage, and the
guidelines the clauses cite (title, version, publisher, public address)."""

from __future__ import annotations

import re
from datetime import datetime

from domain.compliance import Flag
from domain.policy.registry import installed_packs
from domain.policy.sources import cited_texts
from entrypoints.render import line, out, table
from entrypoints.demo.script import DemoRun

# The rules of the CERN and LSE guidelines (README, "Rules and clauses"): each must be exercised.
GUIDELINE_RULES = [
    ("§6", "no external social-media spaces (flag)"),
    ("§7", "2-3 managers; member of several groups"),
    ("§8", "public group: joins accepted at once"),
    ("§9", "private group: moderated, objective criteria, no discrimination"),
    ("§11", "only OAR approves or rejects group creation"),
    ("§14", "only OAR terminates; terminated group is closed"),
    ("§16", "group creation requested from OAR"),
    ("§19", "managers moderate; participants are members; inactivity"),
    ("§20", "every group event needs OAR approval"),
    ("§21", "relevant: connected, purposeful, no gain, no politics"),
    ("§22", "guest speakers approved by OAR beforehand"),
    ("§23", "four events a year, one per season (flag)"),
    ("§24", "fee at most the at-cost price"),
    ("§25", "sponsorship needs OAR's prior consent"),
    ("§26", "sponsor screening"),
    ("§30", "attendance recorded; unregistered attendees logged"),
    ("§32", "termination at managers' request or OAR's initiative"),
    ("Annex 1", "listed 3-4 weeks ahead (flag)"),
]


def _cites(clause: str, token: str) -> bool:
    if token.startswith("§"):
        return re.search(rf"{token}(?!\d)", clause) is not None
    return token in clause


def coverage(run: DemoRun, flags: list[Flag]) -> list[list[object]]:
    rows = []
    for token, rule in GUIDELINE_RULES:
        accepted = sum(o.accepted and _cites(o.clause, token) for o in run.outcomes)
        refused = sum(not o.accepted and _cites(o.clause, token) for o in run.outcomes)
        flagged = sum(_cites(f.clause, token) for f in flags)
        rows.append([token, rule, accepted, refused, flagged])
    return rows


def print_summary(run: DemoRun, on: datetime, flags: list[Flag]) -> list[list[object]]:
    """``flags``: this run's compliance flags, as the projections computed them."""
    app = run.app
    groups = [app.group(slug) for slug in run.groups if _exists(app, slug)]
    table(f"Groups of this demo run (as of {on.date()})", ["group", "status", "pack", "managers", "members", "events"],
          [[g.slug, g.status, g.policy_pack, sorted(g.managers), len(g.members), len(g.gatherings)] for g in groups])  # fmt: skip
    table("Refused attempts (nothing recorded)", ["date", "group", "command", "actor", "clause", "why"],
          [[o.at, o.group, o.command, o.actor, o.clause, o.detail] for o in run.refusals])  # fmt: skip
    table(f"Compliance flags on {on.date()} (from the projections)", ["group", "rule", "clause", "detail"],
          [[f.group, f.rule, f.clause, f.detail] for f in flags])  # fmt: skip
    rows = coverage(run, flags)
    table("Guideline rules exercised", ["clause", "rule", "accepted", "refused", "flagged"], rows)
    accepted = sum(o.accepted for o in run.outcomes)
    print_sources()
    out.print(f"{accepted} commands recorded, {len(run.refusals)} refused, {len(flags)} compliance flags.")
    return rows


def print_sources() -> None:
    """What ``CERN-AG §7`` and ``LSE-AG '...'`` cite: each installed pack's text (and the texts
    it refers to), so that the summary can be read without this repository."""
    texts = cited_texts(pack.source for versions in installed_packs().values() for pack in versions)
    line("Guidelines cited", style="bold")
    for text in texts:  # one line each, not a table: a wrapped address could not be copied
        line(f"  {text.cited_as or '(referred to)'}: {text.line()}")


def _exists(app, slug: str) -> bool:
    from domain.errors import NotFound

    try:
        app.group(slug)
    except NotFound:
        return False
    return True
