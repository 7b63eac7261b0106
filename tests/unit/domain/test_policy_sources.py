"""Every pack cites the published text it encodes by title, version, publisher, public address
and the SHA-256 of that text (issue 14), never by a file outside the repository."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from domain.policy import cern, lse
from domain.policy.base import OAR_GOVERNANCE
from domain.policy.catalogue import describe
from domain.policy.registry import PackVersionError, installed_packs, with_versions
from domain.policy.sources import (
    CERN_GROUP_MANAGER_GUIDELINES,
    CERN_SOCIAL_MEDIA_GUIDELINES,
    LSE_ALUMNI_VOLUNTEER_ADVICE,
    Citation,
    cited_texts,
)
from support_packs.illustrative_cern_v2 import PACK_V2

pytestmark = pytest.mark.unit

EVERY_VERSION = [pack for versions in installed_packs().values() for pack in versions] + [PACK_V2]
TEXTS = [CERN_GROUP_MANAGER_GUIDELINES, CERN_SOCIAL_MEDIA_GUIDELINES, LSE_ALUMNI_VOLUNTEER_ADVICE]


def _complete(text: Citation) -> None:
    assert text.title.strip() and text.version.strip() and text.publisher.strip(), text
    assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]+(/\S*)?", text.address), text.address
    assert re.fullmatch(r"[0-9a-f]{64}", text.sha256), text.sha256
    assert "seeds" not in str(text) and ".txt" not in str(text)


@pytest.mark.parametrize("pack", EVERY_VERSION, ids=lambda pack: pack.label)
def test_every_pack_version_cites_its_text_completely(pack) -> None:
    assert isinstance(pack.source, Citation)
    for text in (pack.source, *pack.source.refers_to):
        _complete(text)


@pytest.mark.parametrize("pack", EVERY_VERSION, ids=lambda pack: pack.label)
def test_every_clause_names_the_cited_text_by_its_short_form(pack) -> None:
    clauses = [g.clause for g in pack.decisions.values()] + [f.clause for f in pack.flags]
    clauses += [rule.clause for g in pack.decisions.values() for rule in g.rules]
    cited = {clause for clause in clauses if clause not in (OAR_GOVERNANCE, pack.title)}
    assert cited and all(clause.startswith(f"{pack.source.cited_as} ") for clause in cited), cited


def test_the_published_texts_are_cited_as_published() -> None:
    assert cern.PACK.source is CERN_GROUP_MANAGER_GUIDELINES and lse.PACK.source is LSE_ALUMNI_VOLUNTEER_ADVICE
    assert (CERN_GROUP_MANAGER_GUIDELINES.version, LSE_ALUMNI_VOLUNTEER_ADVICE.version) == (
        "last updated 6 March 2025", "undated (retrieved 2025)")  # fmt: skip
    assert CERN_GROUP_MANAGER_GUIDELINES.refers_to == (CERN_SOCIAL_MEDIA_GUIDELINES,)
    assert len({text.sha256 for text in TEXTS}) == len({text.address for text in TEXTS}) == 3
    assert "address" in CERN_GROUP_MANAGER_GUIDELINES.note  # the platform's address, not the text's own


@pytest.mark.parametrize(
    ("change", "problem"),
    [({"title": " "}, "needs a title"), ({"version": ""}, "needs a version"), ({"publisher": ""}, "needs a publisher"),
     ({"address": "http://alumni.cern"}, "public https:// URL"), ({"address": "seeds/000.txt"}, "public https:// URL"),
     ({"sha256": "ab" * 31}, "64 lower-case hex"), ({"sha256": "AB" * 32}, "64 lower-case hex")],
)  # fmt: skip
def test_an_incomplete_citation_is_refused(change, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        replace(CERN_SOCIAL_MEDIA_GUIDELINES, **change)


def test_each_text_is_listed_once_followed_by_the_texts_it_refers_to() -> None:
    listed = cited_texts([cern.PACK.source, PACK_V2.source, lse.PACK.source, CERN_SOCIAL_MEDIA_GUIDELINES])
    assert listed == TEXTS


def test_the_description_carries_the_structured_citation() -> None:
    source = describe(cern.PACK)["source"]
    assert source == {
        "title": "Guidelines for CERN Alumni Group Managers",
        "version": "last updated 6 March 2025",
        "publisher": "CERN Office of Alumni Relations (OAR)",
        "address": "https://alumni.cern",
        "sha256": CERN_GROUP_MANAGER_GUIDELINES.sha256,
        "cited_as": "CERN-AG",
        "note": CERN_GROUP_MANAGER_GUIDELINES.note,
        "refers_to": [CERN_SOCIAL_MEDIA_GUIDELINES.as_json()],
    }
    assert describe(lse.PACK)["source"]["address"].startswith("https://www.lse.ac.uk/")


def test_a_further_version_citing_a_file_name_is_refused() -> None:
    uncited = replace(PACK_V2, source="guidelines-2026.txt")
    with pytest.raises(PackVersionError, match="cern v2: source must cite the published text as a Citation"):
        with_versions(installed_packs(), [uncited])
