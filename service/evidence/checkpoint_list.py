"""The stored checkpoints as an auditor lists them: size, time, root, the key that signed
each (from the key set) and any further signatures (cosigners, e.g. witnesses)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from infra.evidence.checkpoint import signers
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.key_set import KeySet


def list_checkpoints(engine: Engine) -> list[dict[str, Any]]:
    entries = KeySet(engine).entries()
    rows = []
    for stored in CheckpointStore(engine).all():
        entry = next((e for e in entries if e.covers(stored.size)), None)
        key_id = entry.vkey.split("+")[1] if entry else None
        signatures = signers(stored.note)
        rows.append({
            "size": stored.size, "time": stored.time, "root_hash": stored.root_hash.hex(), "published": stored.published,
            "key": f"{entry.ordinal} ({key_id})" if entry else "?",
            "cosigners": [f"{name}+{kid}" for name, kid in signatures if kid != key_id], "note": stored.note,
        })  # fmt: skip
    return rows
