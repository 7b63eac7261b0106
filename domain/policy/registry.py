"""The installed policy packs, by the name a group records at creation."""

from __future__ import annotations

from functools import cache

from domain.policy.base import PolicyPack


@cache
def installed_packs() -> dict[str, PolicyPack]:
    # Imported here: packs import commands and rules, which must not import back.
    from domain.policy import cern, lse

    return {pack.name: pack for pack in (cern.PACK, lse.PACK)}


def policy_pack(name: str) -> PolicyPack:
    try:
        return installed_packs()[name]
    except KeyError:
        known = ", ".join(sorted(installed_packs()))
        raise LookupError(f"invalid policy-pack: unknown policy pack {name!r}; installed: {known}") from None
