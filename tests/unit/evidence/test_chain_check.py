"""The per-aggregate chain check on raw stored records, and the findings report."""

from __future__ import annotations

import pytest

from domain.canonical import GENESIS_HASH
from service.evidence.findings import Finding, VerifyReport
from infra.evidence.records import StoredRecord
from service.evidence.verify_store import check_chain

pytestmark = pytest.mark.unit

GROUP = "2af6a4a4-0b46-5357-aa37-d4d4067a33a2"


def chain(length: int) -> list[StoredRecord]:
    """Sealed records of one group: each hashes correctly and links to the previous one."""
    records, previous = [], GENESIS_HASH
    for version in range(1, length + 1):
        state = {"timestamp": "2025-01-01T00:00:00Z", "actor_id": "a-1", "previous_hash": previous}
        draft = StoredRecord(version * 2, GROUP, version, "GroupApproved.v1", state)
        state["event_hash"] = previous = draft.recomputed_hash()
        records.append(draft)
    return records


def run(records: list[StoredRecord]) -> VerifyReport:
    report, last = VerifyReport(), {}
    for record in records:
        check_chain(record, last, report.sink("store"))
    return report


def test_a_sealed_chain_passes():
    assert run(chain(5)).ok


def test_an_altered_field_is_found():
    records = chain(4)
    records[2].state["actor_id"] = "a-2"
    report = run(records)
    assert [(f.position, f.what.split(":")[0]) for f in report.findings] == [(6, "content altered")]


def test_a_missing_version_is_found_at_the_next():
    records = chain(4)
    del records[1]
    assert [(f.position, f.what) for f in run(records).findings] == [(6, "version 3 follows version 1: missing (deleted?)")]


def test_reordered_versions_are_found():
    records = chain(4)
    records[1], records[2] = records[2], records[1]
    found = run(records).findings
    assert found[0].what == "version 3 follows version 1: missing (deleted?)"
    assert found[1].what == "version 2 follows version 3: out of order (reordered?)"


def test_a_broken_link_is_found():
    records = chain(3)
    records[2].state["previous_hash"] = "1" * 64
    records[2].state["event_hash"] = records[2].recomputed_hash()  # re-sealed, but unlinked
    assert [f.what.split(" (")[0] for f in run(records).findings] == ["previous_hash does not link to version 2's event_hash"]


def test_a_first_event_must_start_the_chain():
    records = chain(3)[1:]
    assert run(records).first().what == "version 2 is the first of its group in the store: versions 1..1 are missing"


def test_the_first_finding_is_the_lowest_position_and_checkpoints_come_last():
    report = VerifyReport()
    report.add(Finding("checkpoint", None, "bad signature", checkpoint=10))
    report.add(Finding("kafka", 9, "forged"))
    report.add(Finding("store", 4, "altered", event_id="e", group_id="g"))
    assert report.first().describe() == "position 4 (event e, group g): [store] altered"
    assert [f.source for f in report.ordered()] == ["store", "kafka", "checkpoint"]
    assert report.total == 3 and not report.ok
