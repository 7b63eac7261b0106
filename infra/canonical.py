"""The canonical encoding (``domain.canonical``) written by orjson: the same bytes, faster.

``domain.canonical`` stays the definition (stdlib only: the domain is pure). Hot paths
outside the domain (the verifier, the relay's envelope) read and canonicalise stored
records with orjson, which writes exactly the same bytes for what a record can hold:

- keys sorted (``OPT_SORT_KEYS``, by code point = by UTF-8 byte), no white space,
  UTF-8 with non-ASCII kept, the same escapes (``\\"``, ``\\\\``, ``\\n``, ``\\u001f`` ...);
- strings, integers (up to 64 bits), booleans, null, lists and objects.

Everything else goes to the reference encoder, so the result never differs from it:
floats (``repr`` and orjson's shortest form differ for some, e.g. ``1e16``, and NaN or
infinity must raise, where orjson would write ``null``), integers beyond 64 bits,
non-string keys. ``tests/unit/test_canonical_fast.py`` proves byte identity on every
stored event type of the ledger and on awkward strings.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from domain.canonical import canonical_bytes as reference_canonical_bytes

_SORTED = orjson.OPT_SORT_KEYS
_SCALARS = (str, int, bool, type(None))


def plain(value: Any) -> bool:
    """True if ``value`` holds no float anywhere (the cases orjson writes differently)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        return all(plain(item) for item in value.values())
    if kind is list:
        return all(plain(item) for item in value)
    return False  # float, or anything else: the reference decides (or raises)


def canonical_bytes(record: dict[str, Any]) -> bytes:
    """``domain.canonical.canonical_bytes(record)``, via orjson when that is the same bytes."""
    for value in record.values():
        if type(value) not in _SCALARS and not plain(value):
            return reference_canonical_bytes(record)
    try:
        return orjson.dumps(record, option=_SORTED)
    except orjson.JSONEncodeError:  # ints beyond 64 bits, non-str keys, lone surrogates
        return reference_canonical_bytes(record)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(data: bytes | str) -> Any:
    """Strict JSON parsing (NaN, Infinity and trailing data refused), as ``json.loads``
    parses it: orjson, except that a text with numbers orjson reads differently (it
    reads integers beyond 64 bits as floats) is parsed again by the standard library."""
    value = orjson.loads(data)
    if type(value) is dict and all(type(v) in _SCALARS or plain(v) for v in value.values()):
        return value
    return json.loads(data, parse_constant=_no_constants)
