"""``verify`` finds each kind of tampering with the event store and the checkpoints, at the
right position and with the right description, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from test_evidence_support import Tamper, add_demo, demo_ledger, different_groups, evidence_settings, make_key

from bootstrap import Ledger
from infra.evidence.checkpoint import VerifierKey

from infra.evidence.errors import TamperError
from service.evidence.findings import VerifyReport
from infra.evidence.records import StoredRecord, event_id_of, type_name_of
from bootstrap import build_checkpointer, checkpoint_now
from service.evidence.verifier import verify_ledger

pytestmark = pytest.mark.integration


@pytest.fixture
def signed(settings, clock, tmp_path) -> Iterator[tuple[Ledger, VerifierKey]]:
    """The demo year, covered by a signed checkpoint."""
    settings = evidence_settings(settings, tmp_path)
    key = make_key(settings)
    ledger = demo_ledger(settings, clock)
    assert checkpoint_now(ledger) is not None
    yield ledger, key
    ledger.close()


def verify(ledger: Ledger, key: VerifierKey) -> VerifyReport:
    return verify_ledger(ledger, key=key, kafka=False)


def test_an_untouched_ledger_verifies(signed):
    ledger, key = signed
    report = verify(ledger, key)
    assert report.ok, [f.describe() for f in report.findings]
    assert {c.name: c.status for c in report.checks} == {
        "store": "ok", "merkle": "ok", "checkpoints": "ok", "kafka": "skipped", "audit trail": "skipped"
    }  # fmt: skip
    assert "78 event(s)" in report.checks[0].summary


def test_a_changed_field_is_found_at_its_position(signed):
    ledger, key = signed
    tamper = Tamper(ledger)
    position = tamper.positions()[30]
    group, version, _ = tamper.row(position)
    tamper.alter(position, actor_id="oar-officer-evil")

    first = verify(ledger, key).first()
    assert (first.position, first.source, first.group_id) == (position, "store", group)
    assert first.event_id == event_id_of(group, version)
    assert "content altered" in first.what and f"version {version}" in first.what


def test_a_changed_field_with_a_recomputed_hash_breaks_the_leaf_and_the_chain(signed):
    """Re-sealing the altered event hides it from its own hash, not from the Merkle leaf."""
    ledger, key = signed
    tamper = Tamper(ledger)
    position = tamper.positions()[10]
    group, version, state = tamper.row(position)
    topic = ledger.app.recorder.select_notifications(position, 1)[0].topic
    forged = StoredRecord(position, group, version, type_name_of(topic), state | {"reason": "rewritten"})
    tamper.alter(position, reason="rewritten", event_hash=forged.recomputed_hash())

    report = verify(ledger, key)
    first = report.first()
    assert (first.position, first.source) == (position, "merkle")
    assert "differs from Merkle leaf" in first.what and "event_hash" in first.what
    assert any(f.source == "store" and "previous_hash does not link" in f.what for f in report.findings)
    assert any(f.source == "checkpoint" and "root recomputed" in f.what for f in report.findings)


def test_a_deleted_event_is_found_at_its_position(signed):
    ledger, key = signed
    tamper = Tamper(ledger)
    position = tamper.positions()[20]
    group, version, _ = tamper.row(position)
    tamper.delete(position)

    report = verify(ledger, key)
    first = report.first()
    assert (first.position, first.source, first.event_id) == (position, "merkle", event_id_of(group, version))
    assert "missing from the store (deleted?)" in first.what
    assert any(f.source == "checkpoint" and f.checkpoint == 78 for f in report.findings)


def test_a_deleted_event_breaks_the_version_sequence_even_before_any_checkpoint(settings, clock, tmp_path):
    ledger = demo_ledger(evidence_settings(settings, tmp_path), clock)
    try:
        tamper = Tamper(ledger)
        positions = tamper.positions()
        position = positions[5]
        group, version, _ = tamper.row(position)
        later = next(p for p in positions[6:] if tamper.row(p)[0] == group)
        tamper.delete(position)

        first = verify_ledger(ledger, kafka=False).first()
        assert (first.position, first.source, first.group_id) == (later, "store", group)
        assert f"follows version {version - 1}: missing" in first.what
    finally:
        ledger.close()


def test_two_swapped_events_are_found_at_the_first(signed):
    ledger, key = signed
    tamper = Tamper(ledger)
    first_position, second_position = different_groups(tamper, tamper.positions()[40])
    tamper.swap(first_position, second_position)

    report = verify(ledger, key)
    first = report.first()
    assert (first.position, first.source) == (first_position, "merkle")
    assert "differs from Merkle leaf" in first.what and "group recorded" in first.what
    assert any(f.position == second_position and f.source == "merkle" for f in report.findings)


def test_a_truncated_tail_is_found_at_its_first_position(signed):
    ledger, key = signed
    tail = Tamper(ledger).truncate(5)

    report = verify(ledger, key)
    first = report.first()
    assert (first.position, first.source) == (tail[0], "merkle")
    assert "missing from the store (tail truncated?)" in first.what
    assert [f.position for f in report.findings if f.source == "merkle"] == tail
    assert any(f.checkpoint == 78 and "now holds 73" in f.what for f in report.findings)


def test_truncating_the_leaves_too_is_caught_by_the_signed_checkpoint(signed):
    ledger, key = signed
    tail = Tamper(ledger).truncate(3)
    with ledger.engine.begin() as connection:
        connection.execute(text("DELETE FROM merkle_leaves WHERE position >= :p"), {"p": tail[0]})

    report = verify(ledger, key)
    assert not report.ok and report.found("merkle") == 0
    assert report.first().checkpoint == 78 and "now holds 75" in report.first().what


def test_a_forged_checkpoint_signature_is_rejected(signed):
    ledger, key = signed
    with ledger.engine.begin() as connection:
        note = connection.execute(text("SELECT note FROM checkpoints WHERE size = 78")).scalar_one()
        forged = note.replace("\n78\n", "\n77\n", 1)
        connection.execute(text("UPDATE checkpoints SET note = :n WHERE size = 78"), {"n": forged})

    report = verify(ledger, key)
    assert [(f.source, f.checkpoint) for f in report.findings] == [("checkpoint", 78)]
    assert "signature by key 'oar-ledger' does not verify" in report.first().what


def test_a_checkpoint_checked_with_another_key_is_rejected(signed, tmp_path):
    ledger, _ = signed
    other = make_key(ledger.settings.model_copy(update={"signing_key_path": tmp_path / "other.key"}))
    report = verify(ledger, other)
    assert report.first().checkpoint == 78 and "no signature by key" in report.first().what


def test_the_checkpointer_refuses_to_sign_over_an_altered_event(signed, clock):
    ledger, _ = signed
    tamper = Tamper(ledger)
    add_demo(ledger, clock, "y")
    position = tamper.positions()[-3]
    tamper.alter(position, reason="quietly changed")
    checkpointer = build_checkpointer(ledger)
    with pytest.raises(TamperError, match=f"position {position}"):
        checkpointer.checkpoint(clock())
