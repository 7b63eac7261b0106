"""The verifier's notification reader gives the recorder's own notifications, field for
field (on SQLite without parsing each id into a UUID), and a tampered id is a finding."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from test_evidence_support import demo_ledger, evidence_settings

from infra.evidence.records import from_notification
from infra.store.notifications import notification_reader
from service.evidence.verifier import VerifySources, verify_ledger

pytestmark = pytest.mark.integration


def test_the_reader_returns_what_the_recorder_returns(settings, clock, tmp_path) -> None:
    ledger = demo_ledger(evidence_settings(settings, tmp_path), clock)
    try:
        recorder = ledger.app.recorder
        read = notification_reader(recorder)
        for start in (1, 40):
            ours, theirs = read(start, 25), recorder.select_notifications(start, 25)
            assert len(ours) == len(theirs) == 25
            assert [from_notification(n) for n in ours] == [from_notification(n) for n in theirs]
        assert read(10_000, 25) == []
    finally:
        ledger.close()


def test_an_id_that_is_not_a_uuid_is_a_finding_not_a_crash(sqlite_settings, clock, tmp_path) -> None:
    ledger = demo_ledger(evidence_settings(sqlite_settings, tmp_path), clock)
    try:
        table = ledger.app.recorder.events_table_name
        with ledger.engine.begin() as connection:
            connection.execute(text(f"UPDATE {table} SET originator_id = 'not-a-uuid-zz' || substr(originator_id, 14)"
                                    " WHERE rowid = 3"))  # fmt: skip
        report = verify_ledger(ledger, VerifySources(kafka=False))
        assert any(f.position == 3 and "content altered" in f.what for f in report.findings)
    finally:
        ledger.close()
