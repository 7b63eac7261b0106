"""What ``verify`` found: one ``Finding`` per disagreement, a ``Check`` per thing checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Source = Literal["store", "merkle", "checkpoint", "kafka", "audit"]
Status = Literal["ok", "mismatch", "skipped"]
Progress = Callable[[str, int | None], Callable[[int], None]]
"""``progress(label, total)`` returns ``advance(n)``; the CLI draws a bar with it."""

MAX_PER_SOURCE = 200
"""Findings kept per source (all are counted): one tampering can cascade."""


@dataclass(frozen=True)
class Finding:
    """One disagreement, located at a ledger position (or at a checkpoint)."""

    source: Source
    position: int | None
    what: str
    event_id: str | None = None
    group_id: str | None = None
    checkpoint: int | None = None

    def sort_key(self) -> tuple[bool, int, int]:
        return (self.position is None, self.position or 0, self.checkpoint or 0)

    def where(self) -> str:
        if self.position is None:
            return f"checkpoint {self.checkpoint}" if self.checkpoint is not None else "ledger"
        ids = ", ".join(x for x in (self.event_id and f"event {self.event_id}",
                                    self.group_id and f"group {self.group_id}") if x)  # fmt: skip
        return f"position {self.position}" + (f" ({ids})" if ids else "")

    def describe(self) -> str:
        return f"{self.where()}: [{self.source}] {self.what}"


@dataclass
class Check:
    """One line of the summary: what was checked and how it went."""

    name: str
    status: Status
    summary: str


@dataclass
class VerifyReport:
    checks: list[Check] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        count = self.counts.get(finding.source, 0)
        self.counts[finding.source] = count + 1
        if count < MAX_PER_SOURCE:
            self.findings.append(finding)

    def sink(self, source: Source) -> Callable[..., None]:
        """``report(position, what, **ids)`` adding findings of one source."""

        def report(position: int | None, what: str, **ids: Any) -> None:
            self.add(Finding(source, position, what, **ids))

        return report

    def found(self, source: Source) -> int:
        return self.counts.get(source, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        return self.total == 0

    def first(self) -> Finding | None:
        return min(self.findings, key=Finding.sort_key, default=None)

    def ordered(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def lines(self, limit: int = 20) -> list[str]:
        """The human summary: one line per check, then the first ``limit`` findings."""
        marks = {"ok": "OK  ", "mismatch": "FAIL", "skipped": "SKIP"}
        text = [f"{marks[c.status]} {c.name}: {c.summary}" for c in self.checks]
        if self.ok:
            return [*text, "verified: no disagreement found"]
        findings = self.ordered()
        text.append(f"{self.total} disagreement(s); first at {findings[0].describe()}")
        text += [f"  then {f.describe()}" for f in findings[1:limit]]
        if self.total > limit:
            text.append(f"  ... and {self.total - limit} more (--json lists up to {MAX_PER_SOURCE} per source)")
        return text

    def to_json(self) -> dict[str, Any]:
        first = self.first()
        return {
            "ok": self.ok,
            "first_mismatch": None if first is None else asdict(first) | {"description": first.describe()},
            "checks": [asdict(c) for c in self.checks],
            "findings": [asdict(f) for f in self.ordered()],
            "finding_counts": dict(self.counts),
        }


def no_progress(_label: str, _total: int | None) -> Callable[[int], None]:
    return lambda _n: None


def short(hex_hash: str) -> str:
    return f"{hex_hash[:12]}…" if len(hex_hash) > 12 else hex_hash or "(none)"
