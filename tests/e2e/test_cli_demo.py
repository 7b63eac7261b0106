"""``oar-ledger demo`` from a fresh var dir (SQLite) or a fresh schema (PostgreSQL):
exits 0, prints the summary tables, and can run again on the same ledger."""

from __future__ import annotations

import re

import pytest

from entrypoints.demo.summary import GUIDELINE_RULES

pytestmark = pytest.mark.e2e

DEMO_GROUPS = 7  # csc-school, higgs-hunters, cms-alumni, bay-area, openlab, fusion-fans, lse-geneva


def coverage_rows(stdout: str) -> dict[str, list[int]]:
    """The "Guideline rules exercised" table: clause -> [accepted, refused, flagged]."""
    section = stdout.split("Guideline rules exercised", 1)[1]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│|]", line) if cell.strip()]
        if len(cells) == 5 and cells[2].isdigit():
            rows[cells[0]] = [int(n) for n in cells[2:]]
    return rows


def test_demo_runs_twice_and_prints_the_summary(cli):
    first = cli("demo", timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    for title in ("Groups of this demo run", "Refused attempts (nothing recorded)", "Compliance flags on",
                  "Guideline rules exercised"):  # fmt: skip
        assert title in out
    for clause in ("§7", "§9", "§26", "§32", "Annex 1"):
        assert clause in out
    # what the clauses cite: the guidelines by title and public address, no file outside the repository
    assert "Guidelines cited" in out and "https://alumni.cern" in out and "Advice for Alumni Volunteers" in out
    assert "seeds/" not in out and "../shared" not in out
    assert re.search(r"\d+ commands recorded, \d+ refused, \d+ compliance flags\.", out)

    rows = coverage_rows(out)
    assert set(rows) == {token for token, _ in GUIDELINE_RULES}
    assert [token for token, counts in rows.items() if not any(counts)] == []

    # `groups` reads the read models, which the demo fills through the broker
    groups = {g["slug"]: g for g in cli.json("groups", "--json")}
    assert len(groups) == DEMO_GROUPS
    suffixes = {slug.rsplit("-", 1)[1] for slug in groups}
    assert len(suffixes) == 1

    second = cli("demo", timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Guideline rules exercised" in second.stdout
    again = {g["slug"]: g for g in cli.json("groups", "--json")}
    assert len(again) == 2 * DEMO_GROUPS
    assert {slug: again[slug] for slug in groups} == groups  # the first run's groups are untouched
    assert len({slug.rsplit("-", 1)[1] for slug in again}) == 2
    assert cli.json("refusals", "--json"), "the demo's refusals are logged"
