"""Key rotation: ``keys rotate`` retires the signing key at a checkpoint and starts a new
one; the key set (``infra.evidence.key_set``) records which key may sign which checkpoints,
and each change is a note of the set signed by the outgoing and the incoming key."""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from infra.evidence.checkpoint import SIGNATURE_PREFIX, Checkpoint, format_time, key_hash
from infra.evidence.checkpoint_store import CheckpointStore, StoredCheckpoint
from infra.evidence.errors import TamperError
from infra.evidence.key_set import KeyEntry, KeySet, key_set_notes
from infra.evidence.keys import generate_key
from infra.evidence.signing import Signer, checkpoint_origin, key_name, load_signer, signing_key_path

KEYS_SUFFIX = "/keys"


def register_signer(engine: Any, signer: Signer) -> None:
    """The first key to sign starts the key set; after that only its active key may sign."""
    keys, vkey = KeySet(engine), signer.verifier_key()
    if not keys.entries():
        keys.add(vkey, 0)
        return
    active = keys.active()
    if active is None or active.vkey != vkey:
        raise TamperError("the signing key is not the active key of the key set: change keys with "
                          "`oar-ledger keys rotate`, never by replacing the key file")  # fmt: skip


def add_signature(note: str, private_key: Ed25519PrivateKey, name: str) -> str:
    """A further signature line on a signed note (C2SP signed-note allows several)."""
    body = note[: note.index("\n\n") + 1]
    blob = key_hash(name, private_key.public_key()) + private_key.sign(body.encode("utf-8"))
    return f"{note}{SIGNATURE_PREFIX}{name} {base64.b64encode(blob).decode('ascii')}\n"


def key_set_digest(entries: list[KeyEntry]) -> bytes:
    """What the note of a key set of ``len(entries)`` keys signs: the set as it stood then
    (its last key active)."""
    then = [*entries[:-1], replace(entries[-1], retired_at_size=None, retired_at=None)]
    return KeySet.digest_of(then)


def rotate_key(ledger: Any, checkpointer: Any) -> tuple[KeyEntry, KeyEntry]:
    """Sign a last checkpoint with the current key (``checkpointer``, built with it, closed
    here), retire it there, start a new key (the old private key file is replaced, so it can
    sign nothing more); return (old, new)."""
    settings, now = ledger.settings, ledger.app.clock()
    old_signer = checkpointer.signer
    try:
        checkpointer.checkpoint(now)
        register_signer(ledger.engine, old_signer)
        latest = checkpointer.checkpoints.latest()
        size = latest.size if latest else 0
        keys = KeySet(ledger.engine)
        old = keys.active()
        new_vkey = generate_key(signing_key_path(settings), key_name(settings), overwrite=True)
        keys.retire(old, size, format_time(now))
        new = keys.add(new_vkey, size)
        new_signer = load_signer(settings)
        entries = keys.entries()
        statement = Checkpoint(checkpoint_origin(settings) + KEYS_SUFFIX, len(entries), key_set_digest(entries), now)
        note = add_signature(old_signer.sign(statement), new_signer.private_key, new_signer.name)
        notes = CheckpointStore(ledger.engine, key_set_notes)
        notes.add(StoredCheckpoint(statement.size, statement.root_hash, statement.time, note))
        publish_notes(notes, checkpointer)
    finally:
        checkpointer.close()
    return keys.entries()[old.ordinal - 1], new


def publish_notes(notes: CheckpointStore, checkpointer: Any) -> None:
    """Key set notes not yet on the checkpoint topic (with the checkpointer's publisher)."""
    if checkpointer.publisher is None:
        return
    for stored in notes.unpublished():
        try:
            checkpointer.publisher.publish(stored)
        except Exception:  # noqa: BLE001 - retried by `relay --republish`
            return
        notes.mark_published(stored.size)


def key_set_rows(engine: Any) -> list[dict[str, Any]]:
    """The key set as an auditor lists it: every verifier key and the checkpoints it may sign."""
    return [{"ordinal": e.ordinal, "vkey": e.vkey, "valid_from_size": e.valid_from_size, "may_sign": e.validity(),
             "retired_at_size": e.retired_at_size, "retired_at": e.retired_at} for e in KeySet(engine).entries()]  # fmt: skip
