"""An independent witness (issue 12), on SQLite and PostgreSQL: it cosigns a checkpoint only
after a consistency proof from the last one it cosigned; a history rewritten and re-signed
with the ledger's own key is refused by the witness and caught by `verify --witnesses 1`
and by the standalone bundle checker."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from test_evidence_support import add_demo, demo_ledger, evidence_settings, make_key

from infra.evidence.checkpoint import encode_verifier_key
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.cosignature import signers_of
from infra.evidence.leaves import LeafStore
from infra.evidence.signing import checkpoint_origin
from infra.settings import Settings
from service.evidence.bundle import build_bundle
from service.evidence.checkpoint_list import list_checkpoints
from service.evidence.cosigned import attach_cosignature
from service.evidence.proofs import Prover
from bootstrap import checkpoint_now
from service.evidence.verifier import VerifySources, verify_ledger
from service.evidence.witness import WitnessRefused, cosign_request, init_witness, load_state, witness_key

pytestmark = pytest.mark.integration
CHECKER = Path(__file__).resolve().parents[2] / "tools" / "check_bundle.py"
NOW = 1_767_000_000


@pytest.fixture
def fork_settings(settings: Settings, tmp_path):
    """A second ledger database (the operator's rewritten copy), same signing key file."""
    if not settings.uses_postgres:
        yield evidence_settings(Settings(var_dir=tmp_path / "fork", _env_file=None), tmp_path)
        return
    schema = f"oar_test_{uuid.uuid4().hex[:12]}"
    yield evidence_settings(settings.model_copy(update={"database_schema": schema}), tmp_path)
    engine = create_engine(str(settings.database_url).replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def witness_round(ledger, directory: Path, new_size: int) -> str:
    """What the operator and the witness do: a proof from the witness's size, cosigned, attached."""
    request = Prover(ledger.engine).consistency(load_state(directory).size, new_size)
    cosigned = cosign_request(directory, json.loads(json.dumps(request)), NOW)
    assert attach_cosignature(ledger.engine, cosigned) == new_size
    return cosigned


def check_bundle(ledger, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    leaf = next(s.leaf for s in LeafStore(ledger.engine).scan() if s.leaf.index == 3)
    vkey = make_vkey(ledger)
    path = tmp_path / f"bundle-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(build_bundle(ledger.app.recorder, ledger.engine, leaf.event_id, [vkey], 78)))
    return subprocess.run([sys.executable, str(CHECKER), str(path), "--key", vkey, *args],
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def make_vkey(ledger) -> str:
    from infra.evidence.signing import load_signer

    signer = load_signer(ledger.settings)
    return encode_verifier_key(signer.private_key.public_key(), signer.name)


def test_a_witness_cosigns_an_extending_history_and_refuses_a_rewritten_one(settings, fork_settings, clock, tmp_path):
    settings = evidence_settings(settings, tmp_path)
    make_key(settings)
    ledger = demo_ledger(settings, clock, "x")
    fork = None
    try:
        assert checkpoint_now(ledger).size == 78
        directory = tmp_path / "audit-office-witness"
        init_witness(directory, "audit.example.org/w1", checkpoint_origin(settings), [make_vkey(ledger)])
        wkey = witness_key(directory)
        witness_round(ledger, directory, 78)  # from the empty tree: an empty proof
        add_demo(ledger, clock, "y")
        assert checkpoint_now(ledger).size == 156
        cosigned = witness_round(ledger, directory, 156)
        assert len(signers_of(cosigned)) == 2 and load_state(directory).cosigned == [78, 156]
        assert list_checkpoints(ledger.engine)[-1]["cosigners"] == [f"audit.example.org/w1+{wkey.key_id.hex()}"]
        report = verify_ledger(ledger, VerifySources(kafka=False, witnesses=(wkey,), required_witnesses=1))
        assert report.ok, [f.describe() for f in report.findings]
        valid = check_bundle(ledger, tmp_path, "--witness", wkey.vkey(), "--witnesses", "1")
        assert valid.returncode == 0 and "cosigned by 1 trusted witness" in valid.stdout, valid.stderr

        # the operator rewrites history in a copy and re-signs it with the ledger's own key
        fork = demo_ledger(fork_settings, clock, "z")
        for suffix in ("y", "w"):
            checkpoint_now(fork)
            add_demo(fork, clock, suffix)
        assert checkpoint_now(fork).size == 234
        request = Prover(fork.engine).consistency(156, 234)  # consistent within the fork ...
        with pytest.raises(WitnessRefused, match="history was rewritten"):  # ... not with what the witness saw
            cosign_request(directory, request, NOW)
        assert load_state(directory).size == 156
        [finding] = verify_ledger(fork, VerifySources(kafka=False, witnesses=(wkey,), required_witnesses=1)).findings
        assert finding.checkpoint == 234 and "0 of the 1 witness cosignature(s)" in finding.what
        bundle = check_bundle(fork, tmp_path, "--witness", wkey.vkey(), "--witnesses", "1")
        assert bundle.returncode == 7 and "0 of the 1 witness" in bundle.stderr

        # a cosignature copied from the true checkpoint onto the rewritten one does not verify
        store = CheckpointStore(fork.engine)
        stolen = next(line for line in signers_of(cosigned) if line.startswith("\u2014 audit.example.org/w1 "))
        store.replace_note(156, store.get(156).note + stolen + "\n")
        findings = verify_ledger(fork, VerifySources(kafka=False, witnesses=(wkey,), required_witnesses=0)).findings
        assert [(f.checkpoint, "does not verify" in f.what) for f in findings] == [(156, True)]
    finally:
        ledger.close()
        if fork is not None:
            fork.close()
