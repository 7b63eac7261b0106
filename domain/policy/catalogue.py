"""A policy pack version described as plain data: what ``policy show`` lists and what the
README's rules catalogue is generated from, so neither can drift from the rules."""

from __future__ import annotations

from typing import Any

from domain.policy.base import PolicyPack


def describe(pack: PolicyPack) -> dict[str, Any]:
    """The pack version: its identity, dates and source (the citation of its text, with the
    text's SHA-256), each command's clause and rules (in the order they are checked), and
    each compliance flag with its clause and limits."""
    return {
        "pack": pack.name,
        "version": pack.version,
        "title": pack.title,
        "source": pack.source.as_json(),
        "effective_from": pack.effective_from.isoformat() if pack.effective_from else None,
        "amendment": pack.amendment,
        "commands": [
            {
                "command": command.__name__,
                "clause": governs.clause,
                "rules": [{"rule": rule.name, "clause": rule.clause} for rule in governs.rules],
            }
            for command, governs in pack.decisions.items()
        ],
        "flags": [{"flag": check.name, "clause": check.clause, **_limits(check)} for check in pack.flags],
    }


def _limits(check: Any) -> dict[str, Any]:
    """A check's own settings (e.g. ``days`` of the request-answer flag), if any."""
    return {k: v for k, v in vars(check).items() if k not in ("name", "clause") and isinstance(v, int | str)}
