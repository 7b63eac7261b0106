"""Every baseline a benchmark compares with, and the written reason for each change.

A baseline change needs a reason, and the figures before it stay printed next to the
new ones (``python -m bench`` prints this table under its results). Figures "before"
are those the README reported with the old baseline, on this machine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BaselineChange:
    benchmark: str
    baseline: str
    replaced: str
    reason: str
    before: str
    """The figures the README reported with the replaced baseline."""


CHANGES: tuple[BaselineChange, ...] = (
    BaselineChange(
        "relay", "raw KafkaProducer, same settings, every ack checked, kafka-python with C CRC-32C",
        "the same producer with pure-Python CRC-32C",
        "the pure-Python checksum (~2.3 MB/s) made both sides 2.8-3.6x slower than a user's install "
        "(issue 13); the `crc32c` package is now a dependency and the bench refuses to run without it",
        "relay 0.88 (SQLite) / 0.86 (PostgreSQL) of ~5,500 raw events/s",
    ),
    BaselineChange(
        "replay", "raw KafkaConsumer counting messages, C CRC-32C, fetch settings tuned (no fetch stall), "
        ">= 100k messages", "the same consumer with pure-Python CRC-32C and default fetch_max_wait_ms (500 ms)",
        "the default settings stall 0.4-0.5 s once some partitions are read to the end (one fetch in "
        "flight per broker waits out fetch_max_wait_ms); a user tunes that away (issue 13)",
        "replay 0.58 (SQLite) / 0.54 (PostgreSQL) of ~4,100-6,600 raw events/s",
    ),
    BaselineChange(
        "verify", "orjson read + canonicalise + SHA-256 of the same events (none of the project's code)",
        "the project's own reader and stdlib canonical JSON + SHA-256",
        "the baseline ran the project's code and the slower stdlib json; orjson writes the same bytes "
        "(tested on every event type), so it is what a user would write (issue 13)",
        "verify 0.58 (SQLite) / 0.54 (PostgreSQL) of ~42k events/s",
    ),
    BaselineChange(
        "commands", "recorder.insert_events of the same stored bytes, one transaction per event (the floor)",
        "eventsourcing Application.save of a plain aggregate",
        "the floor was replaced by Application.save after the goal was missed; Application.save carries "
        "runtime Protocol checks and a transcoder the ledger itself skips, so it handicapped the baseline "
        "(issue 13): back to the floor",
        "commands 0.83 (SQLite) / 0.94 (PostgreSQL) of Application.save; 0.45 / 0.78 of the floor",
    ),
)
