"""Signed checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.evidence.checkpoint import (
    Checkpoint,
    encode_verifier_key,
    key_hash,
    open_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
)
from infra.evidence.errors import CheckpointFormatError, EvidenceError, SignatureError

pytestmark = pytest.mark.unit

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUB = KEY.public_key()
NAME = "oar.example/ledger"
ROOT = hashlib.sha256(b"root").digest()
WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
CP = Checkpoint("oar.example/ledger", 42, ROOT, WHEN)


def _note() -> str:
    return sign_checkpoint(CP, KEY, NAME)


def _resign_sig(note: str, mutate: int) -> str:
    """Flip a bit in byte ``mutate`` of the signature line's base64 blob."""
    body, sig_line = note.split("\n\n")
    prefix, _, data = sig_line.rstrip("\n").rpartition(" ")
    blob = bytearray(base64.b64decode(data))
    blob[mutate] ^= 0x01
    return f"{body}\n\n{prefix} {base64.b64encode(bytes(blob)).decode()}\n"


def test_round_trip() -> None:
    assert open_checkpoint(_note(), PUB, NAME) == CP


def test_note_text_format() -> None:
    note = _note()
    root_b64 = base64.b64encode(ROOT).decode()
    body = f"oar.example/ledger\n42\n{root_b64}\ntime 2025-03-04T05:06:07Z\n"
    assert note.startswith(body + "\n\u2014 " + NAME + " ")
    assert note.endswith("\n") and not note.endswith("\n\n")
    blob = base64.b64decode(note[len(body) + 1 :].split(" ")[2])
    assert len(blob) == 4 + 64
    assert blob[:4] == key_hash(NAME, PUB)
    PUB.verify(blob[4:], body.encode())


def test_key_hash_follows_signed_note() -> None:
    raw = PUB.public_bytes_raw()
    assert key_hash(NAME, PUB) == hashlib.sha256(NAME.encode() + b"\n\x01" + raw).digest()[:4]


def test_time_is_normalised_to_utc_and_keeps_microseconds() -> None:
    local = datetime(2025, 3, 4, 7, 6, 7, 123456, tzinfo=timezone(timedelta(hours=2)))
    cp = Checkpoint("o", 0, ROOT, local)
    note = sign_checkpoint(cp, KEY, NAME)
    assert "\ntime 2025-03-04T05:06:07.123456Z\n" in note
    opened = open_checkpoint(note, PUB, NAME)
    assert opened == cp and opened.time.tzinfo == UTC


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\n42\n", "\n43\n"),
        ("oar.example/ledger\n", "oar.example/other\n"),
        (base64.b64encode(ROOT).decode(), base64.b64encode(hashlib.sha256(b"x").digest()).decode()),
        ("07Z", "08Z"),
    ],
    ids=["size", "origin", "root", "time"],
)
def test_tampered_body_is_rejected(old: str, new: str) -> None:
    note = _note()
    assert old in note
    with pytest.raises(SignatureError, match="does not verify"):
        open_checkpoint(note.replace(old, new, 1), PUB, NAME)


def test_tampered_signature_byte_is_rejected() -> None:
    with pytest.raises(SignatureError, match="does not verify"):
        open_checkpoint(_resign_sig(_note(), 4 + 10), PUB, NAME)


def test_tampered_key_hash_means_no_signature() -> None:
    with pytest.raises(SignatureError, match="no signature"):
        open_checkpoint(_resign_sig(_note(), 0), PUB, NAME)


def test_wrong_key_and_wrong_name_are_rejected() -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(SignatureError):
        open_checkpoint(_note(), other, NAME)
    with pytest.raises(SignatureError):
        open_checkpoint(_note(), PUB, "oar.example/impostor")


def test_signatures_by_unknown_keys_are_ignored() -> None:
    other = Ed25519PrivateKey.generate()
    cosigned = _note() + sign_checkpoint(CP, other, "witness").split("\n\n")[1]
    assert open_checkpoint(cosigned, PUB, NAME) == CP
    assert open_checkpoint(cosigned, other.public_key(), "witness") == CP


@pytest.mark.parametrize(
    "note",
    [
        "oar.example/ledger\n42\n",
        "oar.example/ledger\n42\nroot\n\n",
        "oar.example/ledger\n42\nroot\n\n- oar.example/ledger AAAA\n",
        "oar.example/ledger\n42\nroot\n\n\u2014 oar.example/ledger not*base64\n",
        "oar.example/ledger\n42\nroot\n\n\u2014 oar.example/ledger AAAA\n",
        "oar.example/ledger\n42\nroot\n\n\u2014 oar.example/ledger AAAA",
    ],
    ids=["no-signatures", "empty-block", "hyphen", "bad-base64", "short-blob", "no-newline"],
)
def test_malformed_notes_are_format_errors(note: str) -> None:
    with pytest.raises(CheckpointFormatError):
        open_checkpoint(note, PUB, NAME)


@pytest.mark.parametrize(
    "body",
    [
        "o\n042\n{root}\ntime 2025-03-04T05:06:07Z\n",
        "o\n-1\n{root}\ntime 2025-03-04T05:06:07Z\n",
        "o\n1\n{short}\ntime 2025-03-04T05:06:07Z\n",
        "o\n1\n{root}\n",
        "o\n1\n{root}\ntime 2025-03-04 05:06:07\n",
        "o\n1\n{root}\ntime 2025-03-04T05:06:07Z\nextra line\n",
        "o\n1\n",
        "\n1\n{root}\ntime 2025-03-04T05:06:07Z\n",
    ],
    ids=["leading-zero", "negative", "short-root", "no-time", "bad-time", "extension",
         "no-root", "empty-origin"],
)
def test_validly_signed_malformed_bodies_are_format_errors(body: str) -> None:
    text = body.format(root=base64.b64encode(ROOT).decode(), short=base64.b64encode(b"x").decode())
    blob = key_hash(NAME, PUB) + KEY.sign(text.encode())
    note = f"{text}\n\u2014 {NAME} {base64.b64encode(blob).decode()}\n"
    with pytest.raises(CheckpointFormatError):
        open_checkpoint(note, PUB, NAME)


def test_checkpoint_validates_its_fields() -> None:
    with pytest.raises(CheckpointFormatError):
        Checkpoint("", 1, ROOT, WHEN)
    with pytest.raises(CheckpointFormatError):
        Checkpoint("two\nlines", 1, ROOT, WHEN)
    with pytest.raises(CheckpointFormatError):
        Checkpoint("o", -1, ROOT, WHEN)
    with pytest.raises(CheckpointFormatError):
        Checkpoint("o", 1, b"short", WHEN)
    with pytest.raises(CheckpointFormatError):
        Checkpoint("o", 1, ROOT, datetime(2025, 1, 1))


@pytest.mark.parametrize("name", ["", "has space", "a+b", "tab\tname"])
def test_invalid_key_names_are_refused(name: str) -> None:
    with pytest.raises(CheckpointFormatError):
        sign_checkpoint(CP, KEY, name)


def test_verifier_key_round_trip() -> None:
    vkey = encode_verifier_key(PUB, NAME)
    assert vkey.count("+") > 2  # this key's base64 data contains '+': split only twice
    name, hash_hex, data = vkey.split("+", 2)
    assert (name, hash_hex) == (NAME, key_hash(NAME, PUB).hex())
    assert base64.b64decode(data) == b"\x01" + PUB.public_bytes_raw()
    parsed = parse_verifier_key(vkey)
    assert parsed.name == NAME
    assert parsed.public_key.public_bytes_raw() == PUB.public_bytes_raw()
    assert open_checkpoint(_note(), parsed.public_key, parsed.name) == CP


def test_malformed_verifier_keys_are_rejected() -> None:
    name, hash_hex, data = encode_verifier_key(PUB, NAME).split("+", 2)
    other_data = base64.b64encode(b"\x01" + bytes(32)).decode()
    ed448 = base64.b64encode(b"\x02" + PUB.public_bytes_raw()).decode()
    for bad in [
        f"{name}+{hash_hex}",
        f"{name}+00000000+{data}",
        f"{name}+{hash_hex.upper()}+{data}",
        f"{name}+{hash_hex}+{other_data}",
        f"{name}+{hash_hex}+{ed448}",
        f"{name}+{hash_hex}+???",
        f"other+{hash_hex}+{data}",
    ]:
        with pytest.raises(CheckpointFormatError):
            parse_verifier_key(bad)


def test_errors_share_a_base_class() -> None:
    assert issubclass(SignatureError, EvidenceError)
    assert issubclass(CheckpointFormatError, EvidenceError)
