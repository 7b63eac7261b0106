"""Installing further policy-pack versions named by the ``policy_pack_versions`` setting.

The published packs (CERN's group managers guidelines, LSE's advice for alumni volunteers)
are always installed. When an institution publishes an amendment, its pack version is
written as a module holding a ``PolicyPack`` (same ``name``, a new ``version`` and
``effective_from``, and the ``source`` citing the amended text) and named in
``OAR_POLICY_PACK_VERSIONS`` as ``module:attribute`` (comma-separated for several). Every
entrypoint that checks rules or compliance installs them through :func:`install_policy_packs`
before it does (the CLI's root, the API's ``create_app``, ``build_ledger``).
"""

from __future__ import annotations

from importlib import import_module

from typing import TYPE_CHECKING

from infra.settings import Settings

if TYPE_CHECKING:
    from domain.policy.base import PolicyPack

SETTING = "OAR_POLICY_PACK_VERSIONS (policy_pack_versions)"


class PolicyPackSettingError(ValueError):
    """The setting names a module or attribute that is missing, is not a PolicyPack, or
    collides with an installed version. The message names the setting and the entry."""


def load_pack_versions(refs: tuple[str, ...]) -> list[PolicyPack]:
    """The pack versions ``module:attribute`` names, in order."""
    from domain.policy.base import PolicyPack

    loaded = []
    for ref in refs:
        module_name, _, attribute = ref.partition(":")
        try:
            module = import_module(module_name)
        except (ImportError, ValueError) as problem:  # ValueError: e.g. an incomplete Citation
            raise PolicyPackSettingError(f"invalid {SETTING}: {ref!r}: cannot import module {module_name!r} "
                                         f"({problem})") from None  # fmt: skip
        if not hasattr(module, attribute):
            raise PolicyPackSettingError(f"invalid {SETTING}: {ref!r}: module {module_name!r} has no attribute "
                                         f"{attribute!r}")  # fmt: skip
        pack = getattr(module, attribute)
        if not isinstance(pack, PolicyPack):
            raise PolicyPackSettingError(f"invalid {SETTING}: {ref!r} is a {type(pack).__name__}, not a PolicyPack")
        loaded.append(pack)
    return loaded


def install_policy_packs(settings: Settings) -> None:
    """Install the published packs plus the setting's versions (replacing those installed
    from earlier settings in this process). Raises :class:`PolicyPackSettingError`."""
    from domain.policy.registry import PackVersionError, install_versions

    refs = settings.policy_pack_version_refs
    versions = load_pack_versions(refs)
    try:
        install_versions(versions)
    except PackVersionError as problem:
        raise PolicyPackSettingError(f"invalid {SETTING}: {problem}") from None
