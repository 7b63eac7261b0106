"""C2SP tlog-cosignature/v1 (Ed25519): a witness's timestamped signature on a checkpoint.

A cosignature is one more signature line on the checkpoint's signed note::

    \u2014 <witness name> base64(key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64))

with key ID = SHA-256(name || 0x0A || 0x04 || public key)[:4], over the message::

    cosignature/v1\\n
    time <timestamp, decimal>\\n
    <the checkpoint's note body, final newline included>

Witness verifier keys are vkeys with the signature type 0x04: ``<name>+<key ID hex>+<base64(0x04 || key)>``.
See https://github.com/C2SP/C2SP/blob/main/tlog-cosignature.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infra.evidence.checkpoint import SIGNATURE_PREFIX, check_key_name
from infra.evidence.errors import CheckpointFormatError, SignatureError

ALG_COSIGNATURE_V1 = 0x04


class WitnessKey(NamedTuple):
    name: str
    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        raw = self.public_key.public_bytes_raw()
        return hashlib.sha256(self.name.encode() + b"\n" + bytes([ALG_COSIGNATURE_V1]) + raw).digest()[:4]

    def vkey(self) -> str:
        data = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + self.public_key.public_bytes_raw()).decode()
        return f"{self.name}+{self.key_id.hex()}+{data}"


def parse_witness_key(vkey: str) -> WitnessKey:
    try:
        name, key_id, data = vkey.strip().split("+", 2)
        raw = base64.b64decode(data, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise CheckpointFormatError(f"witness key must be <name>+<key id>+<base64 key>: {vkey[:80]!r}") from exc
    check_key_name(name)
    if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
        raise CheckpointFormatError("witness key data is not 0x04 || 32-byte Ed25519 key (cosignature/v1)")
    key = WitnessKey(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
    if key.key_id.hex() != key_id:
        raise CheckpointFormatError(f"witness key id {key_id!r} does not match its key")
    return key


def _message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def note_body(note: str) -> str:
    split = note.find("\n\n")
    if split < 0:
        raise CheckpointFormatError("note lacks a blank line before its signatures")
    return note[: split + 1]


def cosign(note: str, private_key: Ed25519PrivateKey, name: str, timestamp: int) -> str:
    """``note`` with this witness's cosignature line appended."""
    key = WitnessKey(name, private_key.public_key())
    blob = key.key_id + struct.pack(">Q", timestamp) + private_key.sign(_message(note_body(note), timestamp))
    return f"{note}{SIGNATURE_PREFIX}{name} {base64.b64encode(blob).decode()}\n"


def cosignature_time(note: str, key: WitnessKey) -> int:
    """The timestamp of ``key``'s valid cosignature on ``note``; ``SignatureError`` if none."""
    body = note_body(note)
    for line in note[len(body) + 1 :].splitlines():
        name, _, data = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if name != key.name:
            continue
        try:
            blob = base64.b64decode(data, validate=True)
        except binascii.Error:
            continue
        if len(blob) != 76 or blob[:4] != key.key_id:
            continue
        (timestamp,) = struct.unpack(">Q", blob[4:12])
        try:
            key.public_key.verify(blob[12:], _message(body, timestamp))
        except InvalidSignature:
            raise SignatureError(f"the cosignature by witness {key.name!r} does not verify: altered") from None
        return timestamp
    raise SignatureError(f"no cosignature by witness {key.name!r} ({key.key_id.hex()})")


def signers_of(note: str) -> list[str]:
    """The note's signature lines (without their newline)."""
    return note[len(note_body(note)) + 1 :].splitlines()
