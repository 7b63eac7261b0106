"""The ``policy_pack_versions`` setting: how a published amendment is installed, and each way
of naming a wrong one refused at start, naming the setting, with the registry unchanged."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bootstrap import PolicyPackSettingError, install_policy_packs
from domain.policy import cern, lse
from domain.policy.registry import install_versions, installed_packs, policy_pack
from infra.settings import Settings
from support_packs.illustrative_cern_v2 import PACK_V2, REF

pytestmark = pytest.mark.unit

SETTING = "OAR_POLICY_PACK_VERSIONS (policy_pack_versions)"
PUBLISHED = {"cern": (cern.PACK,), "lse": (lse.PACK,)}


@pytest.fixture(autouse=True)
def published_only():
    install_versions(())
    yield
    install_versions(())


def _settings(value: str | None) -> Settings:
    return Settings(policy_pack_versions=value, _env_file=None)


def test_unset_installs_the_published_packs_only() -> None:
    install_policy_packs(_settings(None))
    assert installed_packs() == PUBLISHED and _settings("  ").policy_pack_version_refs == ()


def test_a_named_version_is_installed_once_and_unset_again_by_settings_without_it() -> None:
    settings = _settings(f"{REF}, {REF},")
    assert settings.policy_pack_version_refs == (REF, REF)
    install_policy_packs(settings)
    install_policy_packs(settings)  # every entrypoint may install: the same version stays once
    assert installed_packs() == {"cern": (cern.PACK, PACK_V2), "lse": (lse.PACK,)}
    assert policy_pack("cern").version == "2"
    install_policy_packs(_settings(None))
    assert installed_packs() == PUBLISHED


@pytest.mark.parametrize("value", ["support_packs.illustrative_cern_v2", "a b:PACK", ":PACK", "mod:", "mod:PACK-2"])
def test_an_entry_that_is_not_module_attribute_is_refused_naming_the_field(value) -> None:
    with pytest.raises(ValidationError, match="policy_pack_versions[\\s\\S]*is not module:attribute"):
        _settings(value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [("support_packs.no_such_module:PACK", "cannot import module 'support_packs.no_such_module'"),
     ("support_packs.broken_versions:PACK_V9", "module 'support_packs.broken_versions' has no attribute 'PACK_V9'"),
     ("support_packs.broken_versions:NOT_A_PACK", "'support_packs.broken_versions:NOT_A_PACK' is a str, not a PolicyPack"),
     ("support_packs.broken_versions:SAME_VERSION", "cern v1: version '1' is already installed"),
     ("support_packs.broken_versions:SAME_DATE", "cern v3: cern v1 already takes effect on 2025-03-06"),
     ("support_packs.broken_versions:UNDATED", "cern v3: a further version needs the date it took effect"),
     ("support_packs.broken_versions:UNKNOWN_PACK", "mit v2: no installed pack 'mit' to amend (installed: cern, lse)"),
     ("support_packs.broken_versions:UNCITED", "cern v3: source must cite the published text as a Citation"),
     ("support_packs.incomplete_citation:PACK", "cannot import module 'support_packs.incomplete_citation' "
                                                "(Guidelines: sha256 must be 64 lower-case hex digits)"),
     (f"{REF},support_packs.broken_versions:SAME_DATE", "cern v3: cern v1 already takes effect")],
)  # fmt: skip
def test_a_wrong_version_is_refused_naming_the_setting_and_nothing_changes(value, problem) -> None:
    with pytest.raises(PolicyPackSettingError) as refused:
        install_policy_packs(_settings(value))
    assert str(refused.value).startswith(f"invalid {SETTING}: ") and problem in str(refused.value)
    assert installed_packs() == PUBLISHED


def test_two_further_versions_colliding_with_each_other_are_refused() -> None:
    from dataclasses import replace

    with pytest.raises(ValueError, match="cern v2: version '2' is already installed"):
        install_versions((PACK_V2, replace(PACK_V2, amendment="another text")))
    assert installed_packs() == PUBLISHED
