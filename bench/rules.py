"""The baseline rules of ``bench/README.md``, checked by the code that reports.

A ratio is only as honest as its baseline. Each benchmark records its interleaved
pairs here (one run of the project's path, one of the raw baseline, alternating which
goes first); ``Pairs.verdict`` then checks the rules a reported ratio must meet and
says which are broken, so a short (``--quick``) or handicapped run can never pass for
a result:

- at least ``MIN_PAIRS`` interleaved pairs; the spread of their ratios and the load
  average are printed, and a spread above ``NOISY_SPREAD`` marks the result noisy;
- every raw run lasts at least ``MIN_RAW_SECONDS`` (and the consumer's reads at least
  ``MIN_CONSUMER_MESSAGES``);
- kafka-python checksums in C (``require_c_crc``: the bench refuses to run otherwise).
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field

MIN_PAIRS = 5
MIN_RAW_SECONDS = 5.0
MIN_CONSUMER_MESSAGES = 100_000
NOISY_SPREAD = 0.15


class RuleBroken(Exception):
    """A benchmark cannot report under the rules (e.g. kafka-python without C CRC-32C)."""


def require_c_crc() -> str:
    """kafka-python checksums every record batch with CRC-32C, in C only with the ``crc32c``
    package (a dependency); in pure Python it is ~3,000x slower and dominates both sides."""
    from kafka.record import util

    if util.crc32c_c is None:
        raise RuleBroken("kafka-python runs without the C CRC-32C (`crc32c` package): `make install` it first")
    return "kafka-python with C CRC-32C"


def load_average() -> str:
    try:
        return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load n/a"


@dataclass
class Pair:
    measured: float
    """The project's rate in this pair."""
    baseline: float
    baseline_seconds: float
    baseline_count: int

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline


@dataclass
class Pairs:
    """Interleaved (measured, baseline) runs of one benchmark and the rules they meet."""

    min_baseline_count: int = 0
    pairs: list[Pair] = field(default_factory=list)
    load_at_start: str = field(default_factory=load_average)

    def add(self, measured_rate: float, baseline_count: int, baseline_seconds: float) -> Pair:
        pair = Pair(measured_rate, baseline_count / baseline_seconds, baseline_seconds, baseline_count)
        self.pairs.append(pair)
        return pair

    @property
    def ratios(self) -> tuple[float, ...]:
        return tuple(p.ratio for p in self.pairs)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> float:
        """(max - min) / median of the pair ratios."""
        ratios = self.ratios
        return (max(ratios) - min(ratios)) / statistics.median(ratios) if ratios else float("nan")

    def broken(self) -> list[str]:
        """Which rules this series breaks (empty: a reportable result)."""
        problems = []
        if len(self.pairs) < MIN_PAIRS:
            problems.append(f"{len(self.pairs)} pairs < {MIN_PAIRS}")
        short = min((p.baseline_seconds for p in self.pairs), default=0.0)
        if short < MIN_RAW_SECONDS:
            problems.append(f"raw run {short:.1f} s < {MIN_RAW_SECONDS:.0f} s")
        fewest = min((p.baseline_count for p in self.pairs), default=0)
        if fewest < self.min_baseline_count:
            problems.append(f"raw run of {fewest:,} < {self.min_baseline_count:,} messages")
        return problems

    def describe(self) -> str:
        ratios = ", ".join(f"{r:.2f}" for r in self.ratios)
        noisy = " NOISY" if self.spread > NOISY_SPREAD else ""
        return (f"{len(self.pairs)} interleaved pairs, ratios {ratios}, spread {self.spread:.2f}{noisy}; "
                f"{self.load_at_start} at start, {load_average()} at end")  # fmt: skip
