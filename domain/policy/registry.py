"""The installed policy packs, by the name a group records at creation, and their versions.

A group is governed by one pack for life (its name is recorded on ``GroupRequested``), but
the pack itself has versions: a decision is checked against, and records, the version in
force on its ledger date; compliance views and as-of answers use the version in force on
the date they look at. The earliest version of a pack also governs any date before it took
effect (the ledger knows no older rules).

Installed by default are the published texts only (:func:`published_packs`). A further
version (an institution publishes an amendment) is installed by the composition root from
the ``policy_pack_versions`` setting, through :func:`install_versions`; :func:`with_versions`
is the pure check and merge behind it. The domain reads no settings itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from domain.errors import DomainError
from domain.policy.base import PolicyPack
from domain.policy.sources import Citation

Registry = Mapping[str, tuple[PolicyPack, ...]]


class PackVersionError(DomainError, ValueError):
    """A further pack version cannot be installed (not a pack, unknown name, collision)."""


def published_packs() -> tuple[PolicyPack, ...]:
    """The packs of the published texts: CERN's group managers guidelines and LSE's advice
    for alumni volunteers (``domain.policy.sources``)."""
    # Imported here: packs import commands and rules, which must not import back.
    from domain.policy import cern, lse

    return (cern.PACK, lse.PACK)


def with_versions(installed: Registry, extra: Iterable[object]) -> dict[str, tuple[PolicyPack, ...]]:
    """``installed`` plus the ``extra`` versions, each pack's versions oldest first. Pure.

    An extra version must be a :class:`PolicyPack` of an installed pack name, citing its text
    (a :class:`Citation`), with a version and a date of effect (``effective_from``) that no
    installed version of that pack has."""
    packs = {name: list(versions) for name, versions in installed.items()}
    for pack in extra:
        if not isinstance(pack, PolicyPack):
            raise PackVersionError(f"{pack!r:.60} is a {type(pack).__name__}, not a PolicyPack")
        if pack.name not in packs:
            known = ", ".join(sorted(packs)) or "none"
            raise PackVersionError(f"{pack.label}: no installed pack {pack.name!r} to amend (installed: {known}); "
                                   "a new institution's pack is added in code, see the README")  # fmt: skip
        if pack.effective_from is None:
            raise PackVersionError(f"{pack.label}: a further version needs the date it took effect (effective_from)")
        if not isinstance(pack.source, Citation):
            raise PackVersionError(f"{pack.label}: source must cite the published text as a Citation (title, version, "
                                   f"publisher, address, sha256), not a {type(pack.source).__name__}")  # fmt: skip
        for other in packs[pack.name]:
            if other is pack:
                break  # the same object named twice: installed once
            if other.version == pack.version:
                raise PackVersionError(f"{pack.label}: version {pack.version!r} is already installed")
            if _effective(other) == pack.effective_from:
                raise PackVersionError(f"{pack.label}: {other.label} already takes effect on {pack.effective_from}")
        else:
            packs[pack.name].append(pack)
    return {name: tuple(sorted(found, key=_effective)) for name, found in sorted(packs.items())}


def _grouped(versions: Iterable[PolicyPack]) -> dict[str, tuple[PolicyPack, ...]]:
    grouped: dict[str, list[PolicyPack]] = {}
    for pack in versions:
        grouped.setdefault(pack.name, []).append(pack)
    return {name: tuple(found) for name, found in grouped.items()}


_installed: dict[str, tuple[PolicyPack, ...]] | None = None


def install_versions(extra: Iterable[object]) -> dict[str, tuple[PolicyPack, ...]]:
    """Install the published packs plus ``extra`` versions, replacing any extra versions
    installed before (the composition root calls this with its settings' versions; calling
    it again with the same ones changes nothing). Nothing changes if one is refused."""
    global _installed
    registry = with_versions(_grouped(published_packs()), extra)
    _installed = registry
    return registry


def installed_packs() -> dict[str, tuple[PolicyPack, ...]]:
    """Every installed pack by name: its versions, oldest first."""
    if _installed is None:
        return install_versions(())
    return _installed


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
    if on is None or len(versions) == 1:  # one version governs every date
        return versions[-1]
    day = on.astimezone(UTC).date() if isinstance(on, datetime) else on
    in_force = [pack for pack in versions if _effective(pack) <= day]
    return in_force[-1] if in_force else versions[0]
