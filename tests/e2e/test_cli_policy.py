"""`oar-ledger policy show` lists the rules as they stood on a date; `policy catalogue --check`
guards the README's generated catalogue. Bad input exits 2 naming the option."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"


def _rules(info: dict, command: str) -> list[str]:
    return [r["rule"] for r in next(c for c in info["commands"] if c["command"] == command)["rules"]]


def test_policy_show_lists_the_version_in_force_on_each_date(sqlite_cli):
    (before,) = sqlite_cli.json("policy", "show", "--pack", "cern", "--on", "2025-12-31", "--json")["packs"]
    (after,) = sqlite_cli.json("policy", "show", "--pack", "cern", "--on", "2026-02-01", "--json")["packs"]
    assert (before["version"], after["version"]) == ("1", "2")
    assert "free-for-under-18s" in _rules(after, "ProposeGathering")
    assert "free-for-under-18s" not in _rules(before, "ProposeGathering")
    every = sqlite_cli.json("policy", "show", "--on", "2026-02-01", "--json")
    assert [(p["pack"], p["version"]) for p in every["packs"]] == [("cern", "2"), ("lse", "1")]
    table = sqlite_cli.ok("policy", "show", "--pack", "lse", "--on", "2025-06-01").stdout
    assert "lse v1" in table and "LSE-AG 'Alumni groups'" in table


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
    stale.write_text(stale.read_text(encoding="utf-8").replace("free-for-under-18s", "renamed-rule"), encoding="utf-8")
    done = sqlite_cli("policy", "catalogue", "--check", "--readme", str(stale))
    assert done.returncode == 7 and "rules_catalogue write" in done.stderr
    sqlite_cli.ok("policy", "catalogue", "--readme", str(stale))
    sqlite_cli.ok("policy", "catalogue", "--check", "--readme", str(stale))
