"""Key rotation across three keys (issue 12), on SQLite and PostgreSQL: each checkpoint
verifies with the key valid for it, proofs and bundles spanning rotations check with the
three public keys, and a retired key can sign nothing more."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import text, update
from test_evidence_support import add_demo, demo_ledger, evidence_settings, make_key

from infra.evidence.checkpoint import Checkpoint, parse_verifier_key
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.errors import EvidenceError, TamperError
from infra.evidence.key_set import KeySet, verifier_keys
from infra.evidence.keys import load_private_key
from infra.evidence.leaves import LeafStore
from infra.evidence.signing import Signer, checkpoint_origin, key_name, signing_key_path
from service.evidence.bundle import build_bundle
from service.evidence.keys import rotate_key
from service.evidence.proofs import Prover, verify_document
from bootstrap import build_checkpointer, checkpoint_now
from service.evidence.verifier import VerifySources, verify_ledger

pytestmark = pytest.mark.integration
CHECKER = Path(__file__).resolve().parents[2] / "tools" / "check_bundle.py"


@pytest.fixture
def rotated(settings, clock, tmp_path) -> Iterator[tuple]:
    """78 events under key 1, 78 more under key 2, 78 more under key 3; key 1's private key kept aside."""
    settings = evidence_settings(settings, tmp_path)
    make_key(settings)
    first_key = load_private_key(signing_key_path(settings))
    ledger = demo_ledger(settings, clock, "a")
    assert checkpoint_now(ledger).size == 78
    for suffix in ("b", "c"):
        rotate_key(ledger, build_checkpointer(ledger))
        add_demo(ledger, clock, suffix)
        checkpoint_now(ledger)
    yield ledger, first_key
    ledger.close()


def test_three_keys_each_valid_for_its_checkpoints(rotated):
    ledger, _ = rotated
    entries = KeySet(ledger.engine).entries()
    assert [(e.valid_from_size, e.retired_at_size) for e in entries] == [(0, 78), (78, 156), (156, None)]
    assert [c.size for c in CheckpointStore(ledger.engine).all()] == [78, 156, 234]
    keys = [e.verifier for e in entries]
    assert all(k.name == checkpoint_origin(ledger.settings) for k in keys)  # named after the log
    report = verify_ledger(ledger, VerifySources(kafka=False))
    assert report.ok, [f.describe() for f in report.findings]
    assert "3 key(s) in the key set" in next(c.summary for c in report.checks if c.name == "checkpoints")
    assert verify_ledger(ledger, VerifySources(key=keys, kafka=False)).ok
    partial = verify_ledger(ledger, VerifySources(key=keys[:2], kafka=False))
    assert [(f.checkpoint, "not one of the trusted keys" in f.what) for f in partial.findings
            if f.source == "checkpoint"] == [(234, True)]
    assert {f.source for f in partial.findings} == {"checkpoint", "refusals"}  # the refusal log's newest too

    document = Prover(ledger.engine).consistency(78, 234)
    assert "extends checkpoint 78" in verify_document(document, keys)
    with pytest.raises(EvidenceError):
        verify_document(document, keys[2:])


def test_a_bundle_across_rotations_checks_with_the_three_keys(rotated, tmp_path):
    ledger, _ = rotated
    vkeys = [e.vkey for e in KeySet(ledger.engine).entries()]
    leaf = next(s.leaf for s in LeafStore(ledger.engine).scan() if s.leaf.index == 5)
    bundle = build_bundle(ledger.app.recorder, ledger.engine, leaf.event_id, vkeys, 78)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))

    def check(*keys: str) -> subprocess.CompletedProcess:
        args = [a for k in keys for a in ("--key", k)]
        return subprocess.run([sys.executable, str(CHECKER), str(path), *args], capture_output=True, text=True, timeout=60)

    valid = check(*vkeys)
    assert valid.returncode == 0 and "newest checkpoint 234" in valid.stdout, valid.stderr
    assert check(vkeys[2]).returncode == 7  # checkpoint 78 was signed by key 1


def test_a_retired_key_cannot_sign_after_its_retirement(rotated, clock):
    ledger, first_key = rotated
    origin = checkpoint_origin(ledger.settings)
    latest = CheckpointStore(ledger.engine).latest()
    forged = Signer(first_key, key_name(ledger.settings)).sign(Checkpoint(origin, latest.size, latest.root_hash, latest.time))
    with ledger.engine.begin() as connection:
        connection.execute(text("UPDATE checkpoints SET note = :n WHERE size = 234"), {"n": forged})
    [finding] = verify_ledger(ledger, VerifySources(kafka=False)).findings
    assert finding.checkpoint == 234 and "a retired key cannot sign checkpoint 234" in finding.what
    assert "signed by key 1" in finding.what

    add_demo(ledger, clock, "d")
    pem = first_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())  # fmt: skip
    signing_key_path(ledger.settings).write_bytes(pem)  # the old key file put back: it signs nothing
    with pytest.raises(TamperError, match="not the active key"):
        checkpoint_now(ledger)


def test_an_altered_key_set_is_detected(rotated):
    ledger, _ = rotated
    with ledger.engine.begin() as connection:  # stretch key 1 over everything
        connection.execute(update(verifier_keys).where(verifier_keys.c.ordinal == 1).values(retired_at_size=10_000))
    findings = verify_ledger(ledger, VerifySources(kafka=False)).findings
    assert any("does not state the key set as recorded" in f.what for f in findings)
    assert parse_verifier_key(KeySet(ledger.engine).entries()[0].vkey)
