"""Canonical encoding and hashing of ledger records (the first layer of tamper evidence).

The canonical form of a record is its JSON text with keys sorted, no insignificant
white space, UTF-8, non-ASCII characters kept as they are. Events hold no floats
(amounts are decimal strings), and every key is ASCII, so this output is the same
as RFC 8785 (JCS) for our records. Written by hand because it is three lines of
the standard library; changing it changes every hash, so it is frozen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

GENESIS_HASH = "0" * 64
"""The ``previous_hash`` of the first event of every aggregate."""


def canonical_bytes(record: dict[str, Any]) -> bytes:
    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


Encoder = Callable[[dict[str, Any]], bytes]
_encode: Encoder = canonical_bytes
"""What ``record_hash`` writes the bytes with: ``canonical_bytes``, or an encoder installed
by ``use_encoder``."""

_PROBES: tuple[dict[str, Any], ...] = (
    {"b": 'Zoë "q" \\ \t\n\x00\x1f\x7f — 日本 😀 \u2028', "a": [1, -2, True, False, None, {"z": "", "y": []}]},
    {"é": 0, "e": 2**63 - 1, "E": "</script>", "": {}},
)


def record_hash(record: dict[str, Any]) -> str:
    """Hex SHA-256 of the canonical bytes of ``record``."""
    return hashlib.sha256(_encode(record)).hexdigest()


def use_encoder(encoder: Encoder) -> None:
    """Let ``record_hash`` write the bytes with ``encoder``: a faster writer of exactly the
    bytes of ``canonical_bytes`` (``infra.canonical``, orjson, proven byte-identical by
    ``tests/unit/test_canonical_fast.py``). The domain keeps the definition and imports no
    faster encoder itself; the service layer passes one in. An encoder that writes other
    bytes for a few awkward probes is refused."""
    global _encode
    for probe in _PROBES:
        if encoder(probe) != canonical_bytes(probe):
            raise ValueError(f"{encoder!r} does not write the canonical bytes of {probe!r}")
    _encode = encoder
