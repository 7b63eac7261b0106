"""The evidence commands through the real console script: keys, checkpoint, prove,
verify-proof (offline, from a directory without any ledger) and verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_evidence_support import Tamper, add_demo

from domain.canonical import canonical_bytes
from bootstrap import build_ledger
from infra.clock import SimulatedClock
from infra.evidence.merkle import leaf_hash
from infra.settings import Settings

pytestmark = pytest.mark.integration

OAR_LEDGER = Path(sys.executable).parent / "oar-ledger"


def run(cwd: Path, *args: str, var_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OAR_", "KAFKA_"))}
    if var_dir is not None:
        env["OAR_VAR_DIR"] = str(var_dir)
    return subprocess.run([str(OAR_LEDGER), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    """A SQLite ledger holding the demo year, in its own var dir."""
    var = tmp_path / "ledger" / "var"
    seed(var, "x")
    return var


def seed(var: Path, suffix: str) -> None:
    clock = SimulatedClock(datetime(2025, 1, 6, 9, tzinfo=UTC))
    ledger = build_ledger(Settings(var_dir=var, _env_file=None), clock)
    try:
        add_demo(ledger, clock, suffix)
    finally:
        ledger.close()


def first_event_ids(var: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(var / "ledger.sqlite") as connection:
        return [row[0] for row in connection.execute("SELECT event_id FROM merkle_leaves ORDER BY leaf_index")]


def test_prove_and_verify_proof_round_trip(var_dir: Path, tmp_path: Path):
    cwd = var_dir.parent
    assert run(cwd, "checkpoint", var_dir=var_dir).returncode == 2  # no key yet
    keys = run(cwd, "keys", "init", var_dir=var_dir)
    assert keys.returncode == 0, keys.stderr
    vkey = keys.stdout.strip()
    assert vkey.startswith("oar-ledger+") and (var_dir / "keys" / "ledger-signing.key").exists()
    public = run(cwd, "keys", "public", "--out", str(tmp_path / "ledger.vkey"), var_dir=var_dir)
    assert public.stdout.strip() == vkey == (tmp_path / "ledger.vkey").read_text().strip()
    done = run(cwd, "checkpoint", var_dir=var_dir)
    assert done.returncode == 0 and "checkpoint 78 signed" in done.stdout, done.stderr

    event_id = first_event_ids(var_dir)[41]
    proof = run(cwd, "prove", event_id, "--json", var_dir=var_dir)
    assert proof.returncode == 0, proof.stderr
    document = json.loads(proof.stdout)
    assert document["event_id"] == event_id and document["leaf_index"] == 41 and document["tree_size"] == 78
    (tmp_path / "proof.json").write_text(proof.stdout)

    offline = tmp_path / "auditor"  # no var dir, no settings, no database
    offline.mkdir()
    for key in (vkey, str(tmp_path / "ledger.vkey")):
        checked = run(offline, "verify-proof", str(tmp_path / "proof.json"), "--key", key)
        assert checked.returncode == 0 and checked.stdout.startswith("valid: event " + event_id), checked.stderr
    assert list(offline.iterdir()) == []

    document["leaf_data"]["event_hash"] = "0" * 64
    document["leaf_hash"] = leaf_hash(canonical_bytes(document["leaf_data"])).hex()  # consistent, but not in the tree
    (tmp_path / "tampered.json").write_text(json.dumps(document))
    rejected = run(offline, "verify-proof", str(tmp_path / "tampered.json"), "--key", vkey)
    assert rejected.returncode == 7 and "invalid: inclusion proof for leaf 41 does not lead" in rejected.stderr

    # a second checkpoint, and a consistency proof between the two
    seed(var_dir, "y")
    assert "checkpoint 156 signed" in run(cwd, "checkpoint", "--force", var_dir=var_dir).stdout
    consistency = run(cwd, "prove", "--consistency", "78", "156", "--out", str(tmp_path / "c.json"), var_dir=var_dir)
    assert consistency.returncode == 0, consistency.stderr
    checked = run(offline, "verify-proof", str(tmp_path / "c.json"), "--key", vkey)
    assert checked.returncode == 0 and "extends checkpoint 78" in checked.stdout


def test_verify_reports_the_first_mismatch_and_exits_7(var_dir: Path):
    cwd = var_dir.parent
    assert run(cwd, "keys", "init", var_dir=var_dir).returncode == 0
    assert run(cwd, "checkpoint", var_dir=var_dir).returncode == 0
    clean = run(cwd, "verify", "--no-kafka", var_dir=var_dir)
    assert clean.returncode == 0 and "verified: no disagreement found" in clean.stdout, clean.stderr

    clock = SimulatedClock(datetime(2025, 1, 6, 9, tzinfo=UTC))
    ledger = build_ledger(Settings(var_dir=var_dir, _env_file=None), clock)
    try:
        Tamper(ledger).alter(17, clause="CERN-AG §99")
    finally:
        ledger.close()
    broken = run(cwd, "verify", "--no-kafka", var_dir=var_dir)
    assert broken.returncode == 7
    assert "FAIL store" in broken.stdout and "first at position 17" in broken.stdout
    assert "MISMATCH at position 17" in broken.stderr
    report = json.loads(run(cwd, "verify", "--no-kafka", "--json", var_dir=var_dir).stdout)
    assert report["ok"] is False and report["first_mismatch"]["position"] == 17


def test_prove_an_unknown_event_exits_4(var_dir: Path):
    cwd = var_dir.parent
    assert run(cwd, "keys", "init", var_dir=var_dir).returncode == 0
    assert run(cwd, "checkpoint", var_dir=var_dir).returncode == 0
    missing = run(cwd, "prove", "00000000-0000-0000-0000-000000000000", var_dir=var_dir)
    assert missing.returncode == 4 and "not in the Merkle tree" in missing.stderr


def test_keys_init_keeps_an_existing_key_unless_forced(var_dir: Path):
    cwd = var_dir.parent
    first = run(cwd, "keys", "init", var_dir=var_dir).stdout.strip()
    again = run(cwd, "keys", "init", var_dir=var_dir)
    assert again.returncode == 2 and "already exists" in again.stderr and "--force" in again.stderr
    assert run(cwd, "keys", "public", var_dir=var_dir).stdout.strip() == first
    forced = run(cwd, "keys", "init", "--force", var_dir=var_dir)
    assert forced.returncode == 0 and forced.stdout.strip() not in ("", first)
