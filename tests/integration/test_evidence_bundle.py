"""The evidence bundle (`prove EVENT_ID --bundle FILE`) checked by the standalone
`tools/check_bundle.py` in a fresh virtual environment holding only `cryptography` (no
ledger installed, run isolated from this repository): valid bundles from SQLite and
PostgreSQL, and each field of a bundle tampered with."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from test_evidence_support import add_demo, demo_ledger, evidence_settings, make_key

from domain.canonical import canonical_bytes
from infra.evidence.checkpoint import Checkpoint, encode_verifier_key, sign_checkpoint
from infra.evidence.leaves import LeafStore
from service.evidence.bundle import build_bundle
from bootstrap import checkpoint_now

pytestmark = pytest.mark.integration

CHECKER = Path(__file__).resolve().parents[2] / "tools" / "check_bundle.py"


@pytest.fixture(scope="session")
def checker_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh venv with only `cryptography` (from the local package mirror), once per session."""
    venv = tmp_path_factory.mktemp("checker-venv")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "cryptography"],
                   check=True, timeout=300, capture_output=True)  # fmt: skip
    probe = subprocess.run([python, "-I", "-c", "import domain"], capture_output=True, text=True)
    assert probe.returncode != 0, "the checker's venv must not see the ledger's packages"
    return python


def check(python: str, bundle: dict[str, Any] | bytes, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode())
    return subprocess.run([python, "-I", str(CHECKER), str(path), *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


@pytest.fixture
def bundle(settings, clock, tmp_path) -> dict[str, Any]:
    """A bundle for an event of the first checkpoint, with a second, newer checkpoint."""
    settings = evidence_settings(settings, tmp_path)
    key = make_key(settings)
    ledger = demo_ledger(settings, clock)
    try:
        first = checkpoint_now(ledger)
        add_demo(ledger, clock, "y")
        assert checkpoint_now(ledger).size > first.size
        leaf = next(s.leaf for s in LeafStore(ledger.engine).scan() if s.leaf.index == 5)
        vkey = encode_verifier_key(key.public_key, key.name)
        made = build_bundle(ledger.app.recorder, ledger.engine, leaf.event_id, [vkey], first.size)
        latest = build_bundle(ledger.app.recorder, ledger.engine, leaf.event_id, [vkey])
    finally:
        ledger.close()
    assert made["consistency"]["proof"] and latest["consistency"]["proof"] == []
    assert made["consistency"]["tree_size"] == latest["inclusion"]["tree_size"] > made["inclusion"]["tree_size"]
    return made


def test_a_bundle_is_valid_and_says_who_what_when_and_which_clause(checker_python, bundle, tmp_path):
    body = json.loads(bundle["message"]["value"])
    done = check(checker_python, bundle, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"valid: event {bundle['event_id']} is recorded in ")
    for fact in (body["actor_id"], body["actor_role"], body["timestamp"], body["clause"], bundle["event_type"]):
        assert fact in done.stdout
    assert "taken from the bundle" in done.stdout
    trusted = check(checker_python, bundle, tmp_path, "--key", bundle["verifier_keys"][0])
    assert trusted.returncode == 0 and "given with --key" in trusted.stdout
    other = encode_verifier_key(Ed25519PrivateKey.generate().public_key(), "oar-ledger")
    refused = check(checker_python, bundle, tmp_path, "--key", other)
    assert refused.returncode == 7 and "no signature by a trusted key" in refused.stderr


def _body(b: dict, **fields: Any) -> dict:
    return json.loads(b["message"]["value"]) | fields


def _set_body(b: dict, body: dict, *, rehash: bool) -> None:
    record = {k: v for k, v in body.items() if k != "event_hash"} | {"type": b["event_type"]}
    if rehash:
        body["event_hash"] = hashlib.sha256(canonical_bytes(record)).hexdigest()
        b["canonical"] = canonical_bytes(record).decode()
    b["message"]["value"] = json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def content_and_canonical(b: dict) -> None:
    """The content changed and its canonical form rebuilt, the recorded event_hash kept."""
    body = _body(b, reason="changed afterwards")
    record = {k: v for k, v in body.items() if k != "event_hash"} | {"type": b["event_type"]}
    b["canonical"] = canonical_bytes(record).decode()
    _set_body(b, body, rehash=False)


def rewritten_event(b: dict) -> None:
    """The forger recomputes everything they can: hash, canonical form, headers, leaf."""
    body = _body(b, actor_id="oar-evil")
    _set_body(b, body, rehash=True)
    b["message"]["headers"]["ledger_event_hash"] = body["event_hash"]
    b["leaf"]["data"]["event_hash"] = body["event_hash"]
    b["leaf"]["hash"] = hashlib.sha256(b"\x00" + canonical_bytes(b["leaf"]["data"])).hexdigest()


def foreign_note(b: dict) -> None:
    """The newest checkpoint replaced by one of the same size and root signed by another key."""
    lines = b["consistency"]["checkpoint"].split("\n")
    import base64
    from datetime import UTC, datetime

    cp = Checkpoint(lines[0], int(lines[1]), base64.b64decode(lines[2]), datetime.now(UTC))
    b["consistency"]["checkpoint"] = sign_checkpoint(cp, Ed25519PrivateKey.generate(), "oar-ledger")


def flip(hex_hash: str) -> str:
    return ("1" if hex_hash[0] == "0" else "0") + hex_hash[1:]


TAMPERINGS: dict[str, tuple[Callable[[dict], Any], str]] = {
    "event content": (lambda b: _set_body(b, _body(b, clause="CERN-AG §99"), rehash=False), "canonical record"),
    "event content and canonical": (content_and_canonical, "does not hash to its event_hash"),
    "event rewritten with every hash": (rewritten_event, "inclusion proof does not lead"),
    "event type": (lambda b: b.__setitem__("event_type", "GroupRejected.v1"), "canonical record"),
    "event id": (lambda b: b.__setitem__("event_id", "00000000-0000-0000-0000-000000000000"), "event id"),
    "message key": (lambda b: b["message"].__setitem__("key", "x"), "disagree with the event: key"),
    "message position header": (lambda b: b["message"]["headers"].__setitem__("ledger_position", "1"), "ledger_position"),
    "leaf index": (lambda b: b["leaf"].__setitem__("index", b["leaf"]["index"] + 1), "inclusion proof"),
    "leaf hash": (lambda b: b["leaf"].__setitem__("hash", flip(b["leaf"]["hash"])), "leaf hash"),
    "leaf position": (lambda b: b["leaf"]["data"].__setitem__("position", 1), "ledger_position"),
    "inclusion proof": (lambda b: b["inclusion"]["proof"].__setitem__(0, flip(b["inclusion"]["proof"][0])),
                        "inclusion proof does not lead"),
    "inclusion tree size": (lambda b: b["inclusion"].__setitem__("tree_size", 3), "presented as another size"),
    "signed checkpoint": (lambda b: b["inclusion"].__setitem__("checkpoint", b["inclusion"]["checkpoint"].replace(
        "\n", "\n1", 1)), "does not verify"),
    "consistency proof": (lambda b: b["consistency"]["proof"].__setitem__(0, flip(b["consistency"]["proof"][0])),
                          "does not extend"),
    "newest checkpoint re-signed by another key": (foreign_note, "no signature by a trusted key"),
    "verifier keys": (lambda b: b.__setitem__("verifier_keys", [encode_verifier_key(
        Ed25519PrivateKey.generate().public_key(), "oar-ledger")]), "no signature by a trusted key"),
    "format": (lambda b: b.__setitem__("format", "something/v9"), "not an evidence bundle"),
    "a field removed": (lambda b: b.pop("leaf"), "malformed bundle"),
}


def test_each_tampered_field_is_refused_with_its_reason(checker_python, bundle, tmp_path):
    for name, (tamper, reason) in TAMPERINGS.items():
        forged = copy.deepcopy(bundle)
        tamper(forged)
        assert forged != bundle, name
        done = check(checker_python, forged, tmp_path)
        assert done.returncode == 7, (name, done.stdout, done.stderr)
        assert "INVALID" in done.stderr and reason in done.stderr, (name, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout == "", name
    not_utf8 = check(checker_python, b'{"format": "\xff\xfe"}', tmp_path)
    assert not_utf8.returncode == 7 and "malformed bundle" in not_utf8.stderr
