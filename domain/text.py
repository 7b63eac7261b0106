"""What typed text may hold before it becomes part of an immutable event.

Two screens run on every free-text field of a command, after its length is checked:

- **control characters**: C0/C1 controls (ESC, BEL, DEL, ...), lone surrogates, line and
  paragraph separators and the bidirectional overrides used to disguise text ("Trojan
  Source") are refused, so stored text can never drive a terminal. Fields that hold prose
  (reasons, objectives, a gathering's connection) may contain line breaks (``\\n``);
  tabs and carriage returns are refused everywhere.
- **personal data** (CERN-AG §19: managers keep members' personal data confidential):
  events are immutable and the ledger topic is kept forever, so e-mail addresses, phone
  numbers and national identification numbers are refused in free text. People are
  named by opaque ids only (``domain.actors.OpaqueId``).

The patterns are hand-written with ``re``: the domain may import only the standard
library, eventsourcing's domain and pydantic. They err on the side of refusing, and
cannot recognise a person's name in prose: the README says what may be written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CLAUSE = "CERN-AG §19"
"""Members' personal data is kept confidential."""

_DISGUISING = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Line/paragraph separators and bidirectional embedding, override and isolate controls."""


def is_control(char: str, *, allow_newline: bool = False) -> bool:
    """True for a character that may not be stored (or shown as is) in text."""
    if char == "\n":
        return not allow_newline
    return unicodedata.category(char) in ("Cc", "Cs") or char in _DISGUISING


def refuse_control_characters(text: str, *, allow_newline: bool) -> str:
    """``text`` unchanged, or ValueError naming the first control character."""
    for char in text:
        if is_control(char, allow_newline=allow_newline):
            where = "" if allow_newline else " (this field is one line)"
            raise ValueError(f"control character U+{ord(char):04X} is not allowed{where}")
    return text


@dataclass(frozen=True)
class PersonalDataPattern:
    """One kind of personal data recognised in free text (``min_digits``: a match must
    hold at least that many digits, for formats whose separators vary)."""

    name: str
    pattern: re.Pattern[str]
    min_digits: int = 0

    def found_in(self, text: str) -> bool:
        return any(
            sum(c.isdigit() for c in match.group()) >= self.min_digits for match in self.pattern.finditer(text)
        )


def _kind(name: str, pattern: str, min_digits: int = 0) -> PersonalDataPattern:
    return PersonalDataPattern(name, re.compile(pattern), min_digits)


_S = r"[ .\-/]?"
PERSONAL_DATA = (
    _kind("an e-mail address", r"[\w.%+\-]+@[\w\-]+(\.[\w\-]+)*\.[A-Za-z]{2,}"),
    _kind("a Swiss AVS/AHV number", rf"(?<!\d)756{_S}\d{{4}}{_S}\d{{4}}{_S}\d{{2}}(?!\d)"),
    _kind("a US social security number", r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)"),
    _kind("a UK national insurance number", r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"),
    _kind("a French social security number", r"(?<!\d)[12] ?\d{2} ?\d{2} ?(\d{2}|2[AB]) ?\d{3} ?\d{3}( ?\d{2})?(?!\d)"),
    _kind("an Italian fiscal code", r"\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b"),
    _kind("a phone number", r"(?<![\w+])(\+|00)\d[\d ().\-]{6,}\d(?!\d)", min_digits=9),
    _kind("a phone number", r"(?<!\d)0\d{2}([ .\-]?)\d{3}\1\d{2}\1\d{2}(?!\d)"),  # 022 767 61 11
    _kind("a phone number", r"(?<!\d)0\d([ .\-]?)\d{2}(\1\d{2}){3}(?!\d)"),  # 01 23 45 67 89
    _kind("a phone number", r"(?<!\d)(\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}(?!\d)"),  # (555) 123-4567
    _kind("a long identification number (9 or more digits in a row)", r"\d{9,}"),
)
"""Checked in order; the first found names the refusal."""


def refuse_personal_data(text: str) -> str:
    """``text`` unchanged, or ValueError saying what it looks like (never echoing it)."""
    for kind in PERSONAL_DATA:
        if kind.found_in(text):
            raise ValueError(
                f"looks like {kind.name}: personal data may not enter the ledger, whose events are "
                f"immutable and kept forever ({CLAUSE}); name people by their opaque id (e.g. m-1042)"
            )
    return text
