"""`oar-ledger policy show` lists the rules as they stood on a date (the published packs; the
ILLUSTRATIVE CERN v2 when OAR_POLICY_PACK_VERSIONS installs it); `policy catalogue --check`
guards the README's generated catalogue. Bad input, or a setting naming a wrong pack version,
exits 2 naming the option or the setting, and nothing is written."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from support_packs.illustrative_cern_v2 import installing_env

from domain.policy.sources import CERN_GROUP_MANAGER_GUIDELINES, CERN_SOCIAL_MEDIA_GUIDELINES, LSE_ALUMNI_VOLUNTEER_ADVICE

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"


def _rules(info: dict, command: str) -> list[str]:
    return [r["rule"] for r in next(c for c in info["commands"] if c["command"] == command)["rules"]]


def test_by_default_the_published_cern_text_is_in_force_on_every_date(sqlite_cli):
    every = sqlite_cli.json("policy", "show", "--on", "2026-12-01", "--json")
    assert [(p["pack"], p["version"]) for p in every["packs"]] == [("cern", "1"), ("lse", "1")]
    assert "free-for-under-18s" not in str(every) and "illustrative" not in str(every).lower()


def test_policy_show_lists_the_version_in_force_on_each_date(sqlite_cli):
    sqlite_cli = replace(sqlite_cli, env=sqlite_cli.env | installing_env())
    (before,) = sqlite_cli.json("policy", "show", "--pack", "cern", "--on", "2025-12-31", "--json")["packs"]
    (after,) = sqlite_cli.json("policy", "show", "--pack", "cern", "--on", "2026-02-01", "--json")["packs"]
    assert (before["version"], after["version"]) == ("1", "2")
    assert "free-for-under-18s" in _rules(after, "ProposeGathering")
    assert "free-for-under-18s" not in _rules(before, "ProposeGathering")
    every = sqlite_cli.json("policy", "show", "--on", "2026-02-01", "--json")
    assert [(p["pack"], p["version"]) for p in every["packs"]] == [("cern", "2"), ("lse", "1")]
    table = sqlite_cli.ok("policy", "show", "--pack", "lse", "--on", "2025-06-01").stdout
    assert "lse v1" in table and "LSE-AG 'Alumni groups'" in table


def test_policy_show_cites_each_text_by_title_version_publisher_address_and_sha256(sqlite_cli):
    shown = sqlite_cli.json("policy", "show", "--json")
    sources = {p["pack"]: p["source"] for p in shown["packs"]}
    assert sources["cern"] == CERN_GROUP_MANAGER_GUIDELINES.as_json()
    assert sources["lse"] == LSE_ALUMNI_VOLUNTEER_ADVICE.as_json()
    assert sources["cern"]["refers_to"][0]["address"] == CERN_SOCIAL_MEDIA_GUIDELINES.address
    for source in sources.values():
        assert source["title"] and source["version"] and source["publisher"]
        assert source["address"].startswith("https://") and len(source["sha256"]) == 64
    text = sqlite_cli.ok("policy", "show").stdout
    for cited in (CERN_GROUP_MANAGER_GUIDELINES, CERN_SOCIAL_MEDIA_GUIDELINES, LSE_ALUMNI_VOLUNTEER_ADVICE):
        assert cited.line() in text
    assert CERN_GROUP_MANAGER_GUIDELINES.sha256 in text and LSE_ALUMNI_VOLUNTEER_ADVICE.sha256 in text
    assert "seeds/" not in str(shown) + text and "../shared" not in str(shown) + text


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--pack", "mit"), "invalid --pack: unknown policy pack 'mit'; installed: cern, lse"),
     (("--on", "2025-02-30"), "invalid --on: '2025-02-30' is not a date")],
)  # fmt: skip
def test_policy_show_refuses_bad_input_naming_the_option(sqlite_cli, args, message):
    done = sqlite_cli("policy", "show", *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_policy_catalogue_check_passes_on_the_readme_and_fails_on_a_stale_copy(sqlite_cli, tmp_path):
    sqlite_cli.ok("policy", "catalogue", "--check", "--readme", str(README))
    stale = tmp_path / "README.md"
    shutil.copyfile(README, stale)
    stale.write_text(stale.read_text(encoding="utf-8").replace("fee-at-cost", "renamed-rule"), encoding="utf-8")
    done = sqlite_cli("policy", "catalogue", "--check", "--readme", str(stale))
    assert done.returncode == 7 and "rules_catalogue write" in done.stderr
    sqlite_cli.ok("policy", "catalogue", "--readme", str(stale))
    sqlite_cli.ok("policy", "catalogue", "--check", "--readme", str(stale))


@pytest.mark.parametrize(
    ("value", "message"),
    [("support_packs.nowhere:PACK", "cannot import module 'support_packs.nowhere'"),
     ("support_packs.broken_versions:NOT_A_PACK", "is a str, not a PolicyPack"),
     ("support_packs.broken_versions:SAME_DATE", "cern v3: cern v1 already takes effect on 2025-03-06")],
)  # fmt: skip
def test_a_wrong_pack_version_setting_exits_2_naming_it_and_writes_nothing(sqlite_cli, value, message):
    cli = replace(sqlite_cli, env=sqlite_cli.env | installing_env() | {"OAR_POLICY_PACK_VERSIONS": value})
    done = cli("group", "request", "cms", "--name", "CMS alumni", "--type", "regional", "--managed-by", "alumni",
               "--visibility", "public", "--objectives", "Connect alumni of the CMS collaboration",
               "--manager", "m-1", "--manager", "m-2", "--actor", "m-1", "--role", "member")  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "invalid OAR_POLICY_PACK_VERSIONS (policy_pack_versions)" in done.stderr and message in done.stderr
    assert not (Path(sqlite_cli.cwd) / "var" / "ledger.sqlite").exists()  # nothing built, nothing written
    shown = cli("policy", "show", "--json")
    assert shown.returncode == 2 and message in shown.stderr
