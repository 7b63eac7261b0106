"""The §9 screen against a labelled set of rejection reasons (tests/data/s9_reasons/reasons.csv):
prohibited and neutral, English and French, with near-misses ("orientation session",
"the French site"). The goal: no prohibited reason passes, no neutral reason is refused
(held is acceptable: a person then decides). The README reports the figures this test computes.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from domain.screening.screen import DiscriminationScreen, Outcome

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data" / "s9_reasons" / "reasons.csv"
README = REPO / "README.md"
CRITERION = "worked on the CMS experiment"  # the group's declared criterion the manager picked
WORDS = {Outcome.PROHIBITED: "refused", Outcome.HELD: "held", Outcome.CLEAR: "passed"}
START, END = "<!-- s9-figures:start -->", "<!-- s9-figures:end -->"


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _outcomes() -> list[tuple[dict[str, str], Outcome]]:
    screen = DiscriminationScreen()
    return [(row, screen.screen(row["reason"], CRITERION).outcome) for row in _rows()]


def figures_table() -> str:
    """The README table: per label and language, how many reasons were refused, held, passed."""
    counts = Counter((row["label"], row["lang"], WORDS[outcome]) for row, outcome in _outcomes())
    lines = ["| label | language | reasons | refused | held | passed |", "| --- | --- | --- | --- | --- | --- |"]
    for label in ("prohibited", "neutral"):
        for lang in ("en", "fr", "all"):
            langs = ("en", "fr") if lang == "all" else (lang,)
            cells = [sum(counts[(label, x, word)] for x in langs) for word in ("refused", "held", "passed")]
            total = sum(cells)
            shares = " | ".join(f"{n} ({100 * n / total:.0f}%)" for n in cells)
            lines.append(f"| {label} | {lang} | {total} | {shares} |")
    return "\n".join(lines)


def test_the_set_is_large_balanced_and_labelled() -> None:
    rows = _rows()
    assert len(rows) >= 100
    assert {row["label"] for row in rows} == {"prohibited", "neutral"}
    assert {row["lang"] for row in rows} == {"en", "fr"}
    grounds = {row["ground"] for row in rows if row["label"] == "prohibited"}
    assert grounds == {"profession", "nationality", "culture", "age", "generation", "gender", "individual preferences"}
    for label in ("prohibited", "neutral"):
        for lang in ("en", "fr"):
            assert sum(1 for r in rows if (r["label"], r["lang"]) == (label, lang)) >= 20
    assert len({row["reason"] for row in rows}) == len(rows), "duplicate reasons"


def test_no_prohibited_reason_passes_and_no_neutral_reason_is_refused() -> None:
    passed = [row["reason"] for row, out in _outcomes() if row["label"] == "prohibited" and out is Outcome.CLEAR]
    refused = [row["reason"] for row, out in _outcomes() if row["label"] == "neutral" and out is Outcome.PROHIBITED]
    assert passed == [], f"prohibited reasons that passed: {passed}"
    assert refused == [], f"neutral reasons that were refused: {refused}"


def test_the_issue_reproductions_are_in_the_set_with_their_labels() -> None:
    labels = {row["reason"]: row["label"] for row in _rows()}
    assert labels["applicant is Italian and we only take Swiss people"] == "prohibited"
    assert labels["we do not want Frenchmen"] == "prohibited"
    assert labels["too old"] == "prohibited"
    assert labels["did not attend the orientation session"] == "neutral"


def test_the_readme_reports_the_figures_of_this_set() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README lacks the §9 figures section"
    reported = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert reported == figures_table(), "README §9 figures are stale; paste:\n" + figures_table()
