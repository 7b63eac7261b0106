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
_SCALARS = frozenset((str, int, bool, type(None)))
_CONTAINERS = frozenset((dict, list))


def plain(value: Any) -> bool:
    """True if ``value`` holds no float anywhere (the cases orjson writes differently)."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        return plain_values(value.values())
    if kind is list:
        return plain_values(value)
    return False  # float, or anything else: the reference decides (or raises)


def plain_values(values: Any) -> bool:
    """``all(plain(v) for v in values)``, with the common case (only strings, integers,
    booleans and nulls) decided by one set of types, without a Python-level loop."""
    kinds = set(map(type, values))
    if kinds <= _SCALARS:
        return True
    return not (kinds - _CONTAINERS - _SCALARS) and all(plain(v) for v in values if type(v) in _CONTAINERS)


def canonical_bytes(record: dict[str, Any]) -> bytes:
    """``domain.canonical.canonical_bytes(record)``, via orjson when that is the same bytes."""
    if not plain_values(record.values()):
        return reference_canonical_bytes(record)
    return plain_canonical_bytes(record)


def plain_canonical_bytes(record: dict[str, Any]) -> bytes:
    """``canonical_bytes`` of a record known to be plain (``plain(record)``): orjson directly."""
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
    return loads_plain(data)[0]


def loads_plain(data: bytes | str) -> tuple[Any, bool]:
    """``(loads(data), plain)``: ``plain`` says the value is a dict with no float anywhere,
    so ``plain_canonical_bytes`` may encode it (and what is derived from it) directly."""
    value = orjson.loads(data)
    if type(value) is dict and plain_values(value.values()):
        return value, True
    return json.loads(data, parse_constant=_no_constants), False
