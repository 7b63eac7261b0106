"""The §9 screen as a named domain object: reason and criterion in, one of three outcomes out.

* PROHIBITED: a word naming a prohibited ground (or a class of people by it: "Frenchmen",
  "women") framed as the reason to exclude ("because", "only", "we do not want", "trop"),
  or a phrase that is a breach on its own ("too old"). The decision is refused.
* HELD: a ground is mentioned, or a word that may touch one, without that framing
  ("the applicant is Italian", "cultural fit"). A person decides: the OAR reviews it.
* CLEAR: nothing touches a ground. The decision is recorded.

Hand-written (no library screens for these grounds in English and French); the words
are in ``vocabulary``, ``countries`` (generated from pycountry and countryinfo) and
``demonyms_fr``. Pure: no I/O, deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from domain.screening import vocabulary as v
from domain.screening.countries import COUNTRY_NAMES, DEMONYMS_EN
from domain.screening.demonyms_fr import DEMONYMS_FR
from domain.screening.text import normalize, tokens


class Outcome(StrEnum):
    CLEAR = "clear"
    HELD = "held"
    PROHIBITED = "prohibited"


@dataclass(frozen=True)
class Finding:
    ground: str
    term: str
    strength: str  # "intrinsic", "strong" or "weak"


@dataclass(frozen=True)
class Screening:
    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    cue: str | None = None

    @property
    def grounds(self) -> tuple[str, ...]:
        return tuple(sorted({f.ground for f in self.findings}))

    def describe(self) -> str:
        """``nationality ('italian', 'swiss'), framed by 'only'``: for messages and events."""
        parts = []
        for ground in self.grounds:
            terms = sorted({f.term for f in self.findings if f.ground == ground})
            parts.append(f"{ground} ({', '.join(repr(t) for t in terms)})")
        framing = f", framed by {self.cue!r}" if self.cue else ""
        return "; ".join(parts) + framing


def _english_forms(demonym: str) -> set[str]:
    forms = {demonym, f"{demonym}s"}
    if " " not in demonym:  # Frenchman, Dutchwomen
        forms |= {f"{demonym}{suffix}" for suffix in ("man", "men", "woman", "women")}
    return forms


def _french_forms(entry: str) -> set[str]:
    masculine, _, feminine = entry.replace("_", " ").partition("/")
    feminine = feminine or (masculine if masculine.endswith("e") else f"{masculine}e")
    plural = lambda word: word if word.endswith(("s", "x")) else f"{word}s"  # noqa: E731
    return {masculine, feminine, plural(masculine), plural(feminine)}


class DiscriminationScreen:
    """Screens free text for the grounds CERN-AG §9 prohibits. One instance serves all."""

    @cached_property
    def demonyms(self) -> frozenset[str]:
        english = {form for d in DEMONYMS_EN if d not in v.NOT_DEMONYMS for form in _english_forms(d)}
        french = {form for entry in DEMONYMS_FR for form in _french_forms(entry)}
        return frozenset(english | french)

    @cached_property
    def countries(self) -> frozenset[str]:
        return frozenset(name for name in COUNTRY_NAMES if name not in self.demonyms)

    @cached_property
    def by_first_word(self) -> dict[str, tuple[str, ...]]:
        """Country names and demonyms by their first word: a text is read once, word by word."""
        index: dict[str, list[str]] = {}
        for phrase in sorted(self.countries | self.demonyms):
            index.setdefault(phrase.split(" ", 1)[0], []).append(phrase)
        return {word: tuple(phrases) for word, phrases in index.items()}

    def screen(self, *texts: str) -> Screening:
        """The worst outcome over ``texts`` (e.g. the reason and the criterion)."""
        results = [self._screen_one(text) for text in texts if text]
        order = list(Outcome)
        worst = max(results, key=lambda s: order.index(s.outcome), default=Screening(Outcome.CLEAR))
        findings = tuple(f for s in results for f in s.findings)
        return Screening(worst.outcome, findings, worst.cue)

    def _screen_one(self, text: str) -> Screening:
        norm = normalize(text)
        for mask in v.MASKS:
            norm = mask.sub(" ", norm)
        findings = self._findings(norm)
        cue = v.CUES.search(norm)
        framed = cue is not None and any(f.strength == "strong" for f in findings)
        if framed or any(f.strength == "intrinsic" for f in findings):
            return Screening(Outcome.PROHIBITED, findings, cue.group(0) if cue else None)
        return Screening(Outcome.HELD if findings else Outcome.CLEAR, findings)

    def _findings(self, norm: str) -> tuple[Finding, ...]:
        found: list[Finding] = []
        for strength, table in (("intrinsic", v.INTRINSIC), ("strong", v.STRONG), ("weak", v.WEAK)):
            for ground, pattern in table.items():
                found += [Finding(ground, m.group(0), strength) for m in pattern.finditer(norm)]
        found += self._nationality_words(norm)
        return tuple(dict.fromkeys(found))

    def _nationality_words(self, norm: str) -> list[Finding]:
        """Demonyms (not naming a place: "the French site") and country names."""
        words = tokens(norm)
        found = []
        for start, phrase in self._phrases(words):
            if phrase in self.demonyms and not self._names_a_place(words, start, start + phrase.count(" ")):
                found.append(Finding("nationality", phrase, "strong"))
            elif phrase in self.countries:
                origin = v.ORIGIN.search(" ".join(words[:start]) + " ")
                found.append(Finding("nationality", phrase, "strong" if origin else "weak"))
        return found

    def _phrases(self, words: list[str]) -> list[tuple[int, str]]:
        return [
            (i, phrase)
            for i, word in enumerate(words)
            for phrase in self.by_first_word.get(word, ())
            if " ".join(words[i : i + phrase.count(" ") + 1]) == phrase
        ]

    @staticmethod
    def _names_a_place(words: list[str], first: int, last: int) -> bool:
        after = words[last + 1] if last + 1 < len(words) else ""
        before = words[first - 1] if first > 0 else ""
        return after in v.PLACES_AFTER or before in v.PLACES_BEFORE

