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
from typing import Any

GENESIS_HASH = "0" * 64
"""The ``previous_hash`` of the first event of every aggregate."""


def canonical_bytes(record: dict[str, Any]) -> bytes:
    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def record_hash(record: dict[str, Any]) -> str:
    """Hex SHA-256 of the canonical bytes of ``record``."""
    return hashlib.sha256(canonical_bytes(record)).hexdigest()
