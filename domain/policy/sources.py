"""The published texts the policy packs encode, cited so that anyone can find them: title,
the text's own dating, publisher, public address, and the SHA-256 of the exact text encoded.

The fingerprint is of the plain-text copy (UTF-8) the pack's rules were written from, frozen
here when they were written. It lets an auditor check which text was encoded: hashing a copy
of the guidelines gives the same digest only if it is that very text; a different digest
means a different (or differently captured) text, to be compared clause by clause. A web page
saved as HTML or PDF will not hash the same: the digest identifies the text, not the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Citation:
    """One published text: what to search for, which version, who publishes it, where.

    ``cited_as`` is how clause citations name it (``CERN-AG §7``); ``note`` says what a
    reader should know about the address or the dating; ``refers_to`` lists the texts its
    clauses defer to (e.g. CERN's social media guidelines, in CERN-AG §13, §19, §26).
    """

    title: str
    version: str
    publisher: str
    address: str
    sha256: str
    cited_as: str = ""
    note: str = ""
    refers_to: tuple[Citation, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("title", "version", "publisher"):
            if not getattr(self, name).strip():
                raise ValueError(f"a citation needs a {name}")
        if not self.address.startswith("https://"):
            raise ValueError(f"{self.title}: the address must be a public https:// URL, not {self.address!r:.60}")
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError(f"{self.title}: sha256 must be 64 lower-case hex digits")

    def line(self) -> str:
        """``Title, version, publisher, address``: the citation in one line."""
        return f"{self.title}, {self.version}, {self.publisher}, {self.address}"

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "version": self.version,
            "publisher": self.publisher,
            "address": self.address,
            "sha256": self.sha256,
            "cited_as": self.cited_as,
            "note": self.note,
            "refers_to": [text.as_json() for text in self.refers_to],
        }


def cited_texts(citations: Iterable[Citation]) -> list[Citation]:
    """Each text once, in order, each followed by the texts it refers to."""
    found: list[Citation] = []
    for text in citations:
        for one in (text, *cited_texts(text.refers_to)):
            if one not in found:
                found.append(one)
    return found


CERN_SOCIAL_MEDIA_GUIDELINES = Citation(
    title="CERN social media guidelines",
    version="revised 20 August 2025",
    publisher="CERN",
    address="https://admin-eguide.web.cern.ch/en/procedure/social-media-guidelines",
    sha256="b84054a9e2fb8bbb7fa7d9454bb7b7ddaee6824987b094ee7df6c6ff4699288a",
    note="Referred to by CERN-AG §13, §19 and §26; the CERN pack encodes those clauses, not this text.",
)

CERN_GROUP_MANAGER_GUIDELINES = Citation(
    title="Guidelines for CERN Alumni Group Managers",
    version="last updated 6 March 2025",
    publisher="CERN Office of Alumni Relations (OAR)",
    address="https://alumni.cern",
    sha256="699d42ef6a6c1f7d756010597d628a782bf0497fa89fff0a2ca529fb6443cdeb",
    cited_as="CERN-AG",
    note=(
        "Published to group managers on the CERN Alumni platform at this address; the text "
        "gives no address of its own, so the platform's is cited."
    ),
    refers_to=(CERN_SOCIAL_MEDIA_GUIDELINES,),
)

LSE_ALUMNI_VOLUNTEER_ADVICE = Citation(
    title="Advice for Alumni Volunteers (alumni groups guidance)",
    version="undated (retrieved 2025)",
    publisher="LSE Alumni Engagement Team",
    address="https://www.lse.ac.uk/alumni-friends-and-partners/volunteer/advice-for-alumni-volunteers",
    sha256="aa9ab3049bb414f430e3bb96af2a05d98aa2a79f59ac823982de26929f54b70b",
    cited_as="LSE-AG",
    note="The page carries no date; the text encoded is the page as retrieved in 2025.",
)
