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
    assert vkey.startswith("oar-ledger.alumni.cern/oar.ledger.v1+")  # the key is named after the log (C2SP)
    assert (var_dir / "keys" / "ledger-signing.key").exists()
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

    listed = json.loads(run(cwd, "checkpoints", "--json", var_dir=var_dir).stdout)
    assert [(c["size"], c["key"].split(" ")[0], c["cosigners"]) for c in listed] == [(78, "1", []), (156, "1", [])]
    for old, nearest in (("10", "nearest checkpoint sizes: 78 ("), ("100", "nearest checkpoint sizes: 78 and 156")):
        missing = run(cwd, "prove", "--consistency", old, "156", var_dir=var_dir)
        assert missing.returncode == 4 and nearest in missing.stderr, missing.stderr
    from_empty = run(cwd, "prove", "--consistency", "0", "156", "--out", str(tmp_path / "e.json"), var_dir=var_dir)
    assert from_empty.returncode == 0, from_empty.stderr
    checked = run(offline, "verify-proof", str(tmp_path / "e.json"), "--key", vkey)
    assert checked.returncode == 0 and "extends the empty tree" in checked.stdout, checked.stderr
    for name, content in (("latin1.json", b'{"format": "caf\xe9"}'), ("list.json", b"[]"), ("deep.json", b"[" * 100000),
                          ("types.json", b'{"format": "oar-ledger-consistency-proof/v1", "old_size": "x"}')):
        (tmp_path / name).write_bytes(content)
        bad = run(offline, "verify-proof", str(tmp_path / name), "--key", vkey)
        assert bad.returncode == 7 and "invalid:" in bad.stderr and "Traceback" not in bad.stderr, (name, bad.stderr)

    # one file and one command for the auditor: the evidence bundle and the standalone checker
    bundle = tmp_path / "evidence.json"
    made = run(cwd, "prove", event_id, "--checkpoint", "78", "--bundle", str(bundle), var_dir=var_dir)
    assert made.returncode == 0 and "check_bundle.py" in made.stderr, made.stderr
    checker = Path(__file__).resolve().parents[2] / "tools" / "check_bundle.py"
    checked = subprocess.run([sys.executable, str(checker), str(bundle), "--key", vkey], cwd=offline,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"valid: event {event_id}") and "consistent with the newest checkpoint 156" in checked.stdout
    unknown = run(cwd, "prove", "00000000-0000-0000-0000-000000000000", "--bundle", str(tmp_path / "no.json"),
                  var_dir=var_dir)  # fmt: skip
    assert unknown.returncode == 4 and not (tmp_path / "no.json").exists()


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


def test_keys_rotate_after_checkpoints_and_keys_list(var_dir: Path):
    cwd = var_dir.parent
    first = run(cwd, "keys", "init", var_dir=var_dir).stdout.strip()
    assert run(cwd, "checkpoint", var_dir=var_dir).returncode == 0
    forced = run(cwd, "keys", "init", "--force", var_dir=var_dir)
    assert forced.returncode == 2 and "keys rotate" in forced.stderr
    rotated = run(cwd, "keys", "rotate", var_dir=var_dir)
    assert rotated.returncode == 0 and "retired key 1" in rotated.stderr, rotated.stderr
    second = rotated.stdout.strip()
    listed = json.loads(run(cwd, "keys", "list", "--json", var_dir=var_dir).stdout)
    assert [(k["vkey"], k["valid_from_size"], k["retired_at_size"]) for k in listed] == [(first, 0, 78), (second, 78, None)]
    verified = run(cwd, "verify", "--no-kafka", "--key", first, "--key", second, var_dir=var_dir)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_witness_through_the_console(var_dir: Path, tmp_path: Path):
    cwd, office = var_dir.parent, tmp_path / "audit-office"
    vkey = run(cwd, "keys", "init", var_dir=var_dir).stdout.strip()
    assert run(cwd, "checkpoint", var_dir=var_dir).returncode == 0
    made = run(office.parent, "witness", "init", "--dir", str(office), "--name", "audit.example.org/w1", "--log-key", vkey)
    assert made.returncode == 0, made.stderr
    witness = made.stdout.strip()
    assert "next request: oar-ledger prove --consistency 0 NEWEST" in run(cwd, "witness", "status", "--dir", str(office)).stdout
    request = tmp_path / "request.json"
    assert run(cwd, "prove", "--consistency", "0", "78", "--out", str(request), var_dir=var_dir).returncode == 0
    cosigned = run(office.parent, "witness", "cosign", "--dir", str(office), str(request), "--out", str(tmp_path / "c.txt"))
    assert cosigned.returncode == 0 and "\u2014 audit.example.org/w1 " in cosigned.stdout, cosigned.stderr
    again = run(office.parent, "witness", "cosign", "--dir", str(office), str(request))  # the witness moved on to 78
    assert again.returncode == 7 and "last cosigned size 78" in again.stderr
    unwitnessed = run(cwd, "verify", "--no-kafka", "--witness", witness, "--witnesses", "1", var_dir=var_dir)
    assert unwitnessed.returncode == 7 and "0 of the 1 witness" in unwitnessed.stderr
    assert run(cwd, "witness", "attach", str(tmp_path / "c.txt"), var_dir=var_dir).returncode == 0
    witnessed = run(cwd, "verify", "--no-kafka", "--witness", witness, "--witnesses", "1", var_dir=var_dir)
    assert witnessed.returncode == 0, witnessed.stdout + witnessed.stderr
