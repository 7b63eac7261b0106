"""The audit-trail check against the store: what it compares, what it counts as lag, and
that it reads the store only as far as the trail goes when the store check's count is given."""

from __future__ import annotations

import uuid

import orjson
import pytest
from eventsourcing.persistence import Notification

from service.evidence.audit_trail import verify_audit_trail
from service.evidence.findings import VerifyReport

pytestmark = pytest.mark.unit
GROUP = uuid.UUID("2af6a4a4-0b46-5357-aa37-d4d4067a33a2")


class ListRecorder:
    """Stored events in memory, recording how far each read went."""

    def __init__(self, count: int) -> None:
        self.rows = [Notification(GROUP, v, "domain.events:GroupApproved", orjson.dumps({"event_hash": f"h{v}"}), v)
                     for v in range(1, count + 1)]  # fmt: skip
        self.read: list[int] = []

    def select_notifications(self, start, limit, stop=None, topics=(), *, inclusive_of_start=True):
        batch = [n for n in self.rows if n.id >= start and (stop is None or n.id <= stop)][:limit]
        self.read.extend(n.id for n in batch)
        return batch


class Trail:
    name = "the trail"

    def __init__(self, rows) -> None:
        self._rows = rows

    def rows(self):
        return iter(self._rows)


def _event_id(version: int) -> str:
    from infra.evidence.records import event_id_of

    return event_id_of(str(GROUP), version)


def check(trail_rows, stored_count: int, stored: int | None):
    recorder, report, advanced = ListRecorder(stored_count), VerifyReport(), []
    verify_audit_trail(Trail(trail_rows), recorder, report, advanced.append, stored=stored)
    return report, recorder.read, sum(advanced)


@pytest.mark.parametrize("given_count", [True, False])
def test_a_lagging_trail_is_compared_up_to_its_end_and_the_rest_counted(given_count: bool) -> None:
    rows = [(v, _event_id(v), f"h{v}") for v in (1, 2, 3)]
    report, read, advanced = check(rows, 5, 5 if given_count else None)
    assert report.ok and report.checks[-1].summary.startswith("3 row(s) of the trail compared")
    assert report.checks[-1].summary.endswith("; 2 not projected yet") and advanced == 5
    assert read == ([1, 2, 3] if given_count else [1, 2, 3, 4, 5])


def test_an_empty_trail_reads_nothing_when_the_count_is_given() -> None:
    report, read, _ = check([], 1000, 1000)
    assert read == [] and report.checks[-1].summary.endswith("; 1000 not projected yet")


def test_a_missing_an_altered_and_an_extra_row_are_findings() -> None:
    rows = [(1, _event_id(1), "h1"), (3, _event_id(3), "forged"), (9, _event_id(9), "h9")]
    report, _, _ = check(rows, 4, 4)
    found = [(f.position, f.what) for f in report.findings]
    assert found == [(2, "missing from the trail"), (3, "the trail differs from the store in: event hash"),
                     (4, "missing from the trail"),  # before the trail's last position: a gap, not lag
                     (9, "the trail holds an event the store does not have at this position")]  # fmt: skip
