"""Checkpoint-signing key files."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

from infra.evidence.checkpoint import (
    Checkpoint,
    open_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
)
from infra.evidence.errors import CheckpointFormatError, EvidenceError, KeyFileError
from infra.evidence.keys import generate_key, load_private_key, public_verifier_key

pytestmark = pytest.mark.unit

NAME = "oar.example/ledger"


def test_generate_writes_a_private_pkcs8_pem(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "ledger.pem"
    vkey = generate_key(path, NAME)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    key = load_private_key(path)
    assert public_verifier_key(key, NAME) == vkey
    assert list(tmp_path.joinpath("keys").iterdir()) == [path]


def test_generated_key_signs_checkpoints(tmp_path: Path) -> None:
    path = tmp_path / "ledger.pem"
    verifier = parse_verifier_key(generate_key(path, NAME))
    cp = Checkpoint("oar.example/ledger", 3, bytes(32), datetime(2025, 1, 1, tzinfo=UTC))
    note = sign_checkpoint(cp, load_private_key(path), NAME)
    assert open_checkpoint(note, verifier.public_key, verifier.name) == cp


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "ledger.pem"
    generate_key(path, NAME)
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        generate_key(path, NAME)
    assert path.read_bytes() == before


def test_overwrite_replaces_atomically_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "ledger.pem"
    first = generate_key(path, NAME)
    path.chmod(0o644)
    second = generate_key(path, NAME, overwrite=True)
    assert first != second
    assert public_verifier_key(load_private_key(path), NAME) == second
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [path]


def test_invalid_name_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ledger.pem"
    with pytest.raises(CheckpointFormatError):
        generate_key(path, "bad name")
    assert not path.exists()


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no key file"):
        load_private_key(tmp_path / "absent.pem")


def test_load_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pem"
    path.write_text("not a key\n")
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="not an unencrypted PEM"):
        load_private_key(path)


def test_load_rejects_non_ed25519_keys(tmp_path: Path) -> None:
    path = tmp_path / "ec.pem"
    path.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="expected an Ed25519 key"):
        load_private_key(path)


def test_key_file_error_is_an_evidence_error() -> None:
    assert issubclass(KeyFileError, EvidenceError)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644, 0o666])
def test_a_key_readable_or_writable_by_others_is_refused_as_ssh_does(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "k.pem"
    generate_key(path, "oar-ledger")
    load_private_key(path)  # 0600 as written: accepted
    path.chmod(mode)
    with pytest.raises(KeyFileError, match=f"permissions {mode:04o} .* too open.*chmod 600"):
        load_private_key(path)
