"""Signed checkpoints: a C2SP tlog-checkpoint body inside a C2SP signed note (Ed25519).

See https://github.com/C2SP/C2SP/blob/main/tlog-checkpoint.md and signed-note.md.
The note text is::

    <origin>\\n<tree size>\\n<base64 root hash>\\ntime <RFC 3339 UTC>\\n
    \\n
    \u2014 <key name> <base64(4-byte key hash || 64-byte Ed25519 signature)>\\n

The signature covers the body (everything up to and including its final newline).
The checkpoint time is carried as the single extension line ``time <RFC 3339>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infra.evidence.errors import CheckpointFormatError, SignatureError

ALG_ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
TIME_PREFIX = "time "
_SIZE_RE = re.compile(r"0|[1-9][0-9]*")
_RFC3339_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the log held ``size`` entries with ``root_hash`` at ``time``."""

    origin: str
    size: int
    root_hash: bytes
    time: datetime

    def __post_init__(self) -> None:
        if not self.origin or _has_control(self.origin):
            raise CheckpointFormatError(f"origin must be a non-empty single line: {self.origin!r}")
        if not 0 <= self.size < 2**64:
            raise CheckpointFormatError(f"tree size {self.size} is not an unsigned 64-bit integer")
        if len(self.root_hash) != 32:
            raise CheckpointFormatError(f"root hash is {len(self.root_hash)} bytes, expected 32")
        if self.time.tzinfo is None:
            raise CheckpointFormatError("checkpoint time must be timezone-aware")
        object.__setattr__(self, "time", self.time.astimezone(UTC))

    def body(self) -> str:
        """The checkpoint body: the text a signature covers."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        return f"{self.origin}\n{self.size}\n{root}\n{TIME_PREFIX}{_format_time(self.time)}\n"


class VerifierKey(NamedTuple):
    name: str
    public_key: Ed25519PublicKey


def _has_control(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def format_time(t: datetime) -> str:
    """RFC 3339 UTC with a ``Z`` suffix, as written in the note's ``time`` line."""
    return _format_time(t)


def parse_time(text: str) -> datetime:
    """Inverse of :func:`format_time` (any RFC 3339 offset accepted)."""
    return _parse_time(text)


def _format_time(t: datetime) -> str:
    t = t.astimezone(UTC)
    fraction = f".{t.microsecond:06d}" if t.microsecond else ""
    return t.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _parse_time(text: str) -> datetime:
    if not _RFC3339_RE.fullmatch(text):
        raise CheckpointFormatError(f"checkpoint time is not RFC 3339: {text!r}")
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError as exc:
        raise CheckpointFormatError(f"checkpoint time is not RFC 3339: {text!r}") from exc


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise CheckpointFormatError(f"{what} is not valid base64: {text!r}") from exc


def check_key_name(name: str) -> None:
    """Signed-note key names are non-empty, without whitespace or '+'."""
    if not name or "+" in name or any(c.isspace() for c in name) or _has_control(name):
        raise CheckpointFormatError(f"invalid key name {name!r}: non-empty, no spaces or '+'")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes_raw()


def key_hash(name: str, public_key: Ed25519PublicKey) -> bytes:
    """Signed-note key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    data = name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + _raw_public(public_key)
    return hashlib.sha256(data).digest()[:4]


def encode_verifier_key(public_key: Ed25519PublicKey, name: str) -> str:
    """The signed-note vkey: ``<name>+<hex key hash>+<base64(0x01 || public key)>``."""
    check_key_name(name)
    data = base64.b64encode(bytes([ALG_ED25519]) + _raw_public(public_key)).decode("ascii")
    return f"{name}+{key_hash(name, public_key).hex()}+{data}"


def parse_verifier_key(vkey: str) -> VerifierKey:
    """Parse a vkey string, checking its algorithm byte and key hash."""
    parts = vkey.strip().split("+", 2)  # the base64 key data may itself contain '+'
    if len(parts) != 3:
        raise CheckpointFormatError(f"verifier key must be <name>+<hash>+<key>: {vkey!r}")
    name, hash_hex, data = parts
    check_key_name(name)
    raw = _b64decode(data, "verifier key data")
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise CheckpointFormatError("verifier key data is not 0x01 || 32-byte Ed25519 key")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
    except ValueError as exc:
        raise CheckpointFormatError("verifier key is not a valid Ed25519 key") from exc
    if not re.fullmatch(r"[0-9a-f]{8}", hash_hex) or key_hash(name, public_key).hex() != hash_hex:
        raise CheckpointFormatError(f"verifier key hash {hash_hex!r} does not match its key")
    return VerifierKey(name, public_key)


def sign_checkpoint(cp: Checkpoint, private_key: Ed25519PrivateKey, key_name: str) -> str:
    """Render ``cp`` as a signed note carrying one Ed25519 signature by ``key_name``."""
    check_key_name(key_name)
    body = cp.body()
    signature = private_key.sign(body.encode("utf-8"))
    blob = key_hash(key_name, private_key.public_key()) + signature
    return f"{body}\n{SIGNATURE_PREFIX}{key_name} {base64.b64encode(blob).decode('ascii')}\n"


def _split_note(note_text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Split a signed note into its body and its (key name, signature blob) lines."""
    split = note_text.rfind("\n\n")
    if split < 0 or not note_text.endswith("\n"):
        raise CheckpointFormatError("note lacks a blank line before its signatures")
    body, sig_block = note_text[: split + 1], note_text[split + 2 :]
    if not sig_block:
        raise CheckpointFormatError("note has no signature lines")
    if any(_has_control(line) for line in body.split("\n")):
        raise CheckpointFormatError("note body contains control characters")
    signatures = []
    for line in sig_block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointFormatError(f"signature line lacks the em dash prefix: {line!r}")
        name, _, data = line[len(SIGNATURE_PREFIX) :].partition(" ")
        check_key_name(name)
        blob = _b64decode(data, "signature")
        if len(blob) < 5:
            raise CheckpointFormatError(f"signature by {name!r} is too short")
        signatures.append((name, blob))
    return body, signatures


def signers(note_text: str) -> list[tuple[str, str]]:
    """(key name, hex key id) of every signature line of a note, unverified."""
    return [(name, blob[:4].hex()) for name, blob in _split_note(note_text)[1]]


def _parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")[:-1]
    if len(lines) < 3:
        raise CheckpointFormatError("checkpoint body needs origin, size and root hash lines")
    origin, size_text, root_text, *extensions = lines
    if not _SIZE_RE.fullmatch(size_text):
        raise CheckpointFormatError(f"tree size is not a decimal number: {size_text!r}")
    times = [e[len(TIME_PREFIX) :] for e in extensions if e.startswith(TIME_PREFIX)]
    if len(times) != 1 or len(extensions) != 1:
        raise CheckpointFormatError(f"expected exactly one 'time' extension line: {extensions!r}")
    root = _b64decode(root_text, "root hash")
    return Checkpoint(origin, int(size_text), root, _parse_time(times[0]))


def open_checkpoint(note_text: str, public_key: Ed25519PublicKey, key_name: str) -> Checkpoint:
    """Verify the signature by ``key_name``/``public_key`` on a note, then parse its body.

    Signatures by other keys are ignored, as signed-note requires of verifiers.
    """
    check_key_name(key_name)
    body, signatures = _split_note(note_text)
    expected_id = key_hash(key_name, public_key)
    candidates = [b[4:] for n, b in signatures if n == key_name and b[:4] == expected_id]
    if not candidates:
        raise SignatureError(f"note carries no signature by key {key_name!r} ({expected_id.hex()})")
    for signature in candidates:
        try:
            public_key.verify(signature, body.encode("utf-8"))
        except InvalidSignature:
            continue
        return _parse_body(body)
    raise SignatureError(f"signature by key {key_name!r} does not verify: the note was altered")
