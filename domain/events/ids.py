"""The deterministic event id: ``uuid5(EVENT_ID_NAMESPACE, "<group id>/<version>")``.

``event_id_text`` computes its text without ``uuid.uuid5`` (about 10 µs a call here: its
SHA-1 is asked for with ``usedforsecurity=False``, a slow path of OpenSSL 3) and without
the UUID object: the relay, the projector and the verifier need it for every event.
"""

from __future__ import annotations

import hashlib
from uuid import UUID

EVENT_ID_NAMESPACE = UUID("6f1c3f9e-8a53-4c59-9a7e-0d5e1f4b7a21")
_NAMESPACE_BYTES = EVENT_ID_NAMESPACE.bytes
_VARIANT = "89ab"


def event_id_text(originator_id: str, version: int) -> str:
    """``str(uuid5(EVENT_ID_NAMESPACE, f"{originator_id}/{version}"))``."""
    h = hashlib.sha1(_NAMESPACE_BYTES + f"{originator_id}/{version}".encode()).hexdigest()  # noqa: S324 - UUID v5
    # RFC 4122 v5: version nibble 5, variant bits 10 (the 17th hex digit is 8, 9, a or b)
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"
