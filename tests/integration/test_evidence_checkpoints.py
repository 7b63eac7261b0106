"""The checkpointer on a real store: incremental leaves, the schedule, concurrent writers,
PostgreSQL position gaps, and proofs built from the tables and checked offline."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from test_evidence_support import Tamper, add_demo, demo_ledger, evidence_settings, make_key

from bootstrap import Ledger
from infra.evidence.checkpoint import VerifierKey, open_checkpoint

from infra.evidence.errors import NotCovered, ProofError
from infra.evidence.leaves import LeafStore, leaf_of
from infra.evidence.merkle import MerkleTree
from service.evidence.proofs import Prover, verify_document
from infra.evidence.records import from_notification
from bootstrap import build_checkpoint_hook, build_checkpointer, checkpoint_now
from infra.evidence.signing import ensure_signing_key
from service.evidence.verifier import verify_ledger

pytestmark = pytest.mark.integration


@pytest.fixture
def keyed(settings, clock, tmp_path) -> Iterator[tuple[Ledger, VerifierKey]]:
    settings = evidence_settings(settings, tmp_path, checkpoint_every_events=100, checkpoint_every_seconds=300)
    key = make_key(settings)
    ledger = demo_ledger(settings, clock)
    yield ledger, key
    ledger.close()


def leaf_data_tree(ledger: Ledger) -> MerkleTree:
    """The tree computed from scratch from the store, independently of the tables."""
    tree = MerkleTree()
    for n in ledger.app.recorder.select_notifications(1, 100_000):
        tree.append(leaf_of(from_notification(n), tree.size).hash())
    return tree


def test_the_tree_grows_incrementally_and_matches_a_full_rebuild(keyed, clock):
    ledger, _ = keyed
    checkpointer = build_checkpointer(ledger)
    assert checkpointer.extend() == 78
    assert checkpointer.extend() == 0
    add_demo(ledger, clock, "y")
    assert checkpointer.extend() == 78
    assert checkpointer.tree.root() == leaf_data_tree(ledger).root()
    assert LeafStore(ledger.engine).count() == 156
    # a fresh checkpointer loads the table instead of rescanning the store
    assert build_checkpointer(ledger).extend() == 0


def test_the_schedule_checkpoints_every_n_events_or_t_seconds(keyed, clock):
    ledger, key = keyed
    checkpointer = build_checkpointer(ledger)
    first = checkpointer.maybe_checkpoint(clock())
    assert first is not None and first.size == 78  # the first checkpoint is always due
    assert checkpointer.maybe_checkpoint(clock()) is None
    add_demo(ledger, clock, "y")  # 78 more: fewer than every_events=100
    assert checkpointer.maybe_checkpoint(clock.advance(seconds=299)) is None
    second = checkpointer.maybe_checkpoint(clock.advance(seconds=2))
    assert second is not None and second.size == 156
    add_demo(ledger, clock, "z")
    add_demo(ledger, clock, "w")  # 156 more: over every_events
    assert checkpointer.maybe_checkpoint(clock()).size == 312
    signed = open_checkpoint(second.note, key.public_key, key.name)
    assert (signed.origin, signed.size, signed.time) == ("oar-ledger.alumni.cern/oar.ledger.v1", 156, clock())
    assert verify_ledger(ledger, key=key, kafka=False).ok


def test_two_checkpointers_agree_through_the_tables(keyed, clock):
    ledger, key = keyed
    one, two = build_checkpointer(ledger), build_checkpointer(ledger)
    assert one.extend() == 78
    add_demo(ledger, clock, "y")
    assert two.extend() == 78  # loaded one's 78 leaves, appended 78 of its own
    assert one.extend() == 0 and one.tree.root() == two.tree.root()
    made = [one.checkpoint(clock()), two.checkpoint(clock())]
    assert [m is not None for m in made] == [True, False]
    assert verify_ledger(ledger, key=key, kafka=False).ok


def test_proofs_for_every_event_and_between_checkpoints_verify_offline(keyed, clock):
    ledger, key = keyed
    checkpoint_now(ledger)
    add_demo(ledger, clock, "y")
    checkpoint_now(ledger)
    prover = Prover(ledger.engine)
    leaves = [stored.leaf for stored in LeafStore(ledger.engine).scan()]
    for leaf in leaves:
        document = prover.inclusion(leaf.event_id)
        assert document["tree_size"] == 156 and document["position"] == leaf.position
        assert verify_document(document, key).startswith("valid")
    old = prover.inclusion(leaves[3].event_id, 78)
    assert old["tree_size"] == 78 and verify_document(old, key, "oar-ledger.alumni.cern/oar.ledger.v1")
    with pytest.raises(NotCovered, match="newer than checkpoint 78"):
        prover.inclusion(leaves[100].event_id, 78)
    consistency = prover.consistency(78, 156)
    assert "extends checkpoint 78" in verify_document(consistency, key)
    consistency["old_size"], consistency["new_size"] = 156, 78
    with pytest.raises(ProofError):
        verify_document(consistency, key)


def test_leaf_indexes_skip_postgres_position_gaps(postgres_settings, clock, tmp_path):
    settings = evidence_settings(postgres_settings, tmp_path)
    key = make_key(settings)
    ledger = demo_ledger(settings, clock)
    try:
        tamper = Tamper(ledger)
        tamper.burn_positions(5)  # what rolled-back inserts leave behind
        add_demo(ledger, clock, "y")
        checkpoint_now(ledger)
        positions = tamper.positions()
        assert positions[78] == positions[77] + 6
        leaf = next(s.leaf for s in LeafStore(ledger.engine).scan(78, 79))
        assert (leaf.index, leaf.position) == (78, positions[78])
        assert verify_document(Prover(ledger.engine).inclusion(leaf.event_id), key).startswith("valid")
        assert verify_ledger(ledger, key=key, kafka=False).ok
    finally:
        ledger.close()


def test_the_relay_hook_never_raises_and_checkpoints_when_a_key_appears(settings, clock, tmp_path, caplog):
    settings = evidence_settings(settings, tmp_path)
    ledger = demo_ledger(settings, clock)
    try:
        hook = build_checkpoint_hook(ledger)
        with caplog.at_level(logging.WARNING, logger="oar.evidence"):
            assert hook() is None and hook() is None
        assert [r.message for r in caplog.records].count(
            f"checkpoints disabled: no checkpoint-signing key at {settings.signing_key_path}: "
            "run `oar-ledger keys init` to create one"
        ) == 1
        vkey, created = ensure_signing_key(settings)
        assert created and ensure_signing_key(settings) == (vkey, False)
        assert hook().size == 78
        assert hook() is None
    finally:
        ledger.close()
