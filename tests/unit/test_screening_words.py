"""The §9 screen's country names and demonyms are generated from maintained packages
(pycountry, countryinfo) into ``domain/screening/countries.py``: the committed file must
equal a fresh rendering, so an upgrade of either package shows up here, not silently."""

from __future__ import annotations

import pytest

from domain.screening import countries
from infra import screening_words

pytestmark = pytest.mark.unit


def test_the_committed_country_words_equal_a_fresh_rendering() -> None:
    assert screening_words.TARGET.read_text(encoding="utf-8") == screening_words.render(), (
        "run `python -m infra.screening_words write` and commit the result"
    )


def test_the_lists_hold_what_the_screen_needs() -> None:
    assert {"switzerland", "suisse", "italy", "italie", "russia", "royaume uni"} <= set(countries.COUNTRY_NAMES)
    assert {"swiss", "italian", "french", "german", "british"} <= set(countries.DEMONYMS_EN)
    assert all(name == name.strip().lower() and name.isascii() for name in countries.COUNTRY_NAMES)
