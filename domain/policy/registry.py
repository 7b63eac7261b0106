"""The installed policy packs, by the name a group records at creation, and their versions.

A group is governed by one pack for life (its name is recorded on ``GroupRequested``), but
the pack itself has versions: a decision is checked against, and records, the version in
force on its ledger date; compliance views and as-of answers use the version in force on
the date they look at. The earliest version of a pack also governs any date before it took
effect (the ledger knows no older rules).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

from domain.policy.base import PolicyPack


@cache
def installed_packs() -> dict[str, tuple[PolicyPack, ...]]:
    """Every installed pack by name: its versions, oldest first."""
    # Imported here: packs import commands and rules, which must not import back.
    from domain.policy import cern, cern_amendments, lse

    versions = (cern.PACK, cern_amendments.PACK_V2, lse.PACK)
    packs: dict[str, list[PolicyPack]] = {}
    for pack in versions:
        packs.setdefault(pack.name, []).append(pack)
    return {name: tuple(sorted(found, key=_effective)) for name, found in sorted(packs.items())}


def _effective(pack: PolicyPack) -> date:
    return pack.effective_from or date.min


def pack_versions(name: str) -> tuple[PolicyPack, ...]:
    try:
        return installed_packs()[name]
    except KeyError:
        known = ", ".join(sorted(installed_packs()))
        raise LookupError(f"invalid policy-pack: unknown policy pack {name!r}; installed: {known}") from None


def policy_pack(name: str, on: date | datetime | None = None) -> PolicyPack:
    """The version of pack ``name`` in force on ``on`` (a UTC date or an aware time);
    the latest version when ``on`` is None."""
    versions = pack_versions(name)
    if on is None:
        return versions[-1]
    day = on.astimezone(UTC).date() if isinstance(on, datetime) else on
    in_force = [pack for pack in versions if _effective(pack) <= day]
    return in_force[-1] if in_force else versions[0]
