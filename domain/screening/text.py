"""Text normalisation for the screen: one spelling per word, whatever the accents or case."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Casefolded, accents removed, every run of non-letters one space, padded by spaces.

    ``"L'âge, trop avancé!"`` -> ``" l age trop avance "``: phrases are then found with
    ``" phrase " in text`` and words with the tokens, in English and French alike.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return f" {_NOT_ALNUM.sub(' ', plain).strip()} "


def tokens(normalized: str) -> list[str]:
    return normalized.split()
