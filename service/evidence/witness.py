"""An independent witness (C2SP tlog-witness semantics, tlog-cosignature/v1 format).

Meant to run under another party's control (e.g. an audit office): its own Ed25519 key and
its own state, in a directory of its own, and nothing of the ledger but the log's public
key(s). It cosigns a checkpoint only after checking, with a consistency proof, that it
extends the last checkpoint it cosigned; a rewritten history (even re-signed with the
ledger's own key) cannot be proven consistent with what it saw, so it is refused.

State (``state.json``): the log's origin and verifier keys, the size and root of the last
checkpoint cosigned. Key: ``witness.key`` (PKCS#8 PEM, mode 0600).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from infra.evidence.checkpoint import check_key_name, open_checkpoint, parse_verifier_key
from infra.evidence.cosignature import WitnessKey, cosign, note_body, signers_of
from infra.evidence.errors import EvidenceError, SignatureError
from infra.evidence.keys import generate_key, load_private_key
from infra.evidence.merkle import EMPTY_ROOT
from service.evidence.proofs import CONSISTENCY, verify_document


class WitnessRefused(EvidenceError):
    """The witness will not cosign: the checkpoint does not extend what it cosigned before."""


@dataclass
class WitnessState:
    name: str
    origin: str
    log_keys: list[str]
    size: int = 0
    root: str = EMPTY_ROOT.hex()
    cosigned: list[int] = field(default_factory=list)  # sizes cosigned, for the record


def _state_path(directory: Path) -> Path:
    return directory / "state.json"


def load_state(directory: Path) -> WitnessState:
    try:
        return WitnessState(**json.loads(_state_path(directory).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise EvidenceError(f"no witness in {directory}: run `oar-ledger witness init`") from None


def _save(directory: Path, state: WitnessState) -> None:
    """Atomically, so a crash never leaves a half-written state."""
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".state.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(asdict(state), stream, indent=2)
    os.replace(temporary, _state_path(directory))


def init_witness(directory: Path, name: str, origin: str, log_keys: list[str]) -> str:
    """Create the witness's key and state; return its verifier key (``<name>+<id>+<key>``)."""
    check_key_name(name)
    for vkey in log_keys:
        parse_verifier_key(vkey)
    directory.mkdir(parents=True, exist_ok=True)
    generate_key(directory / "witness.key", name)
    _save(directory, WitnessState(name, origin, list(log_keys)))
    return witness_key(directory).vkey()


def witness_key(directory: Path) -> WitnessKey:
    state = load_state(directory)
    return WitnessKey(state.name, load_private_key(directory / "witness.key").public_key())


def cosign_request(directory: Path, document: Any, timestamp: int) -> str:
    """Check a consistency proof from the witness's last cosigned size to a new checkpoint;
    cosign that checkpoint and remember it. Raises :class:`WitnessRefused` otherwise."""
    state = load_state(directory)
    keys = [parse_verifier_key(k) for k in state.log_keys]
    if not isinstance(document, dict) or document.get("format") != CONSISTENCY:
        raise WitnessRefused("a cosigning request is a consistency proof document (`oar-ledger prove --consistency`)")
    if document.get("old_size") != state.size:
        raise WitnessRefused(f"the witness last cosigned size {state.size}; the proof starts at {document.get('old_size')}")
    try:
        verify_document(document, keys, state.origin)
        if state.size:
            old = _open_any(document["old_checkpoint"], keys)
            if old.root_hash.hex() != state.root:
                raise WitnessRefused(f"checkpoint {state.size} is not the one the witness cosigned: history was rewritten")
    except WitnessRefused:
        raise
    except EvidenceError as problem:
        raise WitnessRefused(f"not proven consistent with checkpoint {state.size}: {problem}") from None
    note = document["new_checkpoint"]
    new = _open_any(note, keys)
    cosigned = cosign(note, load_private_key(directory / "witness.key"), state.name, timestamp)
    state.size, state.root = new.size, new.root_hash.hex()
    state.cosigned.append(new.size)
    _save(directory, state)
    return cosigned


def _open_any(note: str, keys: list[Any]) -> Any:
    for key in keys:
        try:
            return open_checkpoint(note, key.public_key, key.name)
        except EvidenceError:
            continue
    raise SignatureError("the checkpoint carries no signature by the log's keys")


def merge_signatures(stored_note: str, cosigned_note: str) -> str:
    """The stored note with the signature lines of ``cosigned_note`` it lacks (same body only)."""
    if note_body(stored_note) != note_body(cosigned_note):
        raise SignatureError("the cosigned note is not this checkpoint (its body differs)")
    have = set(signers_of(stored_note))
    extra = [line for line in signers_of(cosigned_note) if line not in have]
    return stored_note + "".join(line + "\n" for line in extra)
