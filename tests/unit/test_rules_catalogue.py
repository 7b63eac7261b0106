"""The README's rules catalogue is generated from the packs and fails when it drifts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import infra.rules_catalogue as catalogue
from domain.policy import cern, lse
from support_packs.illustrative_cern_v2 import PACK_V2

pytestmark = pytest.mark.unit

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_catalogue_matches_the_packs() -> None:
    assert catalogue.check_catalogue(README), catalogue.DRIFT_HINT


def test_a_changed_rule_is_detected_and_rewritten(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "README.md"
    copy.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    amended = replace(PACK_V2, version="3", amendment="fees capped")
    monkeypatch.setattr(catalogue, "installed_packs",
                        lambda: {"cern": (cern.PACK, PACK_V2, amended), "lse": (lse.PACK,)})  # fmt: skip
    assert not catalogue.check_catalogue(copy)
    assert catalogue.write_catalogue(copy) and catalogue.check_catalogue(copy)
    text = copy.read_text(encoding="utf-8")
    assert "<b>cern v3</b>" in text and "fees capped" in text
    assert text.startswith(README.read_text(encoding="utf-8").split(catalogue.START)[0])  # the rest is kept


def test_the_catalogue_holds_only_the_published_packs_by_default() -> None:
    text = catalogue.render_catalogue()
    assert "illustrative" not in text.lower() and "<b>cern v2</b>" not in text and "<b>cern v1</b>" in text


def test_every_version_command_and_flag_is_in_the_catalogue(cern_v2) -> None:
    text = catalogue.render_catalogue()
    for pack in (cern.PACK, cern_v2, lse.PACK):
        assert f"<b>{pack.name} v{pack.version}</b>" in text
        for command, governs in pack.decisions.items():
            assert f"| `{command.__name__}` | {governs.clause} |" in text
            assert all(f"`{rule.name}`: {rule.clause}" in text for rule in governs.rules)
        assert all(f"| `{flag.name}` | {flag.clause} |" in text for flag in pack.flags)


def test_the_catalogue_opens_with_the_sources_cited_by_title_address_and_sha256() -> None:
    text = catalogue.render_catalogue()
    sources = text.split("<details>", 1)[0]
    for cited in (cern.PACK.source, *cern.PACK.source.refers_to, lse.PACK.source):
        assert f"*{cited.title}* | {cited.version} | {cited.publisher} | <{cited.address}> | `{cited.sha256}` |" in sources
    assert f"Source: *{lse.PACK.source.title}*, {lse.PACK.source.version}" in text
    assert "seeds/" not in text and ".txt" not in text


def test_a_readme_without_the_section_is_an_error(tmp_path) -> None:
    bare = tmp_path / "README.md"
    bare.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="no rules-catalogue section"):
        catalogue.check_catalogue(bare)
