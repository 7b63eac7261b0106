"""``DiscriminationScreen`` on its own: normalisation, the three outcomes, masks, places,
origin phrases, and the worst outcome over several texts."""

from __future__ import annotations

import pytest

from domain.screening.screen import DiscriminationScreen, Outcome
from domain.screening.text import normalize

pytestmark = pytest.mark.unit

SCREEN = DiscriminationScreen()


def test_normalisation_ignores_case_accents_and_punctuation() -> None:
    assert normalize("L'ÂGE, trop avancé!") == " l age trop avance "
    assert SCREEN.screen("TROP ÂGÉ").outcome is SCREEN.screen("trop age").outcome is Outcome.PROHIBITED


@pytest.mark.parametrize(
    ("text", "outcome", "grounds"),
    [
        ("we only take Swiss people", Outcome.PROHIBITED, ("nationality",)),
        ("the applicant is Swiss", Outcome.HELD, ("nationality",)),
        ("no CMS paper on record", Outcome.CLEAR, ()),
        ("born in Italy", Outcome.HELD, ("nationality",)),
        ("only applicants born in Italy", Outcome.PROHIBITED, ("nationality",)),
        ("lives in Italy", Outcome.HELD, ("nationality",)),  # a country name alone is weak
        ("only people who live in Italy", Outcome.HELD, ("nationality",)),  # weak + framing: still a person decides
    ],
)
def test_outcomes(text: str, outcome: Outcome, grounds: tuple[str, ...]) -> None:
    screening = SCREEN.screen(text)
    assert (screening.outcome, screening.grounds) == (outcome, grounds)


def test_innocent_collocations_and_places_are_not_grounds() -> None:
    for text in ("missed the orientation session", "séance d'orientation", "next-generation trigger",
                 "Monte Carlo event generation", "worked at the French site", "a visit to the site français",
                 "the safety culture course"):  # fmt: skip
        assert SCREEN.screen(text).outcome is Outcome.CLEAR, text
    assert SCREEN.screen("a French applicant").outcome is Outcome.HELD


def test_the_worst_outcome_over_the_texts_with_every_finding() -> None:
    screening = SCREEN.screen("no CMS paper", "the applicant is Italian", "")
    assert screening.outcome is Outcome.HELD and screening.grounds == ("nationality",)
    assert SCREEN.screen("", "").outcome is Outcome.CLEAR


def test_describe_names_grounds_terms_and_framing_without_markup() -> None:
    screening = SCREEN.screen("[bold]we do not want Frenchmen[/bold]")
    assert screening.describe() == "nationality ('frenchmen'), framed by 'we do not want'"
