"""The witness as a service: cosigning requests dropped in an exchange folder.

The ledger's operator writes a consistency proof there (``prove --consistency OLD NEW --out
/exchange/NAME.json``); each pass of :func:`watch_pass` takes every ``*.json`` it has not
decided yet, cosigns it with :func:`~service.evidence.witness.cosign_request` and writes
``NAME.cosigned.txt`` (what ``witness attach`` takes), or refuses it and writes why in
``NAME.refused.txt``. Decisions are remembered by the request's SHA-256 in the witness's own
directory (``watched.json``), so a file is never decided twice, while a new request dropped
under an old name (the next round's ``request.json``) is. A file changed less than ``settle``
seconds ago may still be being written: it waits for the next pass.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from infra.evidence.errors import EvidenceError
from service.evidence.witness import load_state, witness_key, cosign_request

SEEN_FILE = "watched.json"
COSIGNED_SUFFIX, REFUSED_SUFFIX = ".cosigned.txt", ".refused.txt"


class WitnessNotReady(EvidenceError):
    """The witness cannot decide anything: its state or key does not load, or the exchange
    folder cannot be read or written. Nothing is decided until that is fixed."""


@dataclass(frozen=True)
class Decision:
    request: str  # the request's file name in the exchange folder
    sha256: str
    outcome: Literal["cosigned", "refused"]
    output: str  # the file written next to it
    size: int | None  # the tree size cosigned (None when refused)
    reason: str | None  # why it was refused


def is_request(name: str) -> bool:
    """A cosigning request: a visible ``*.json`` file (temporary and hidden files are not)."""
    return name.endswith(".json") and not name.startswith(".") and len(name) > len(".json")


def output_name(request: str, outcome: str) -> str:
    stem = request.removesuffix(".json")
    return stem + (COSIGNED_SUFFIX if outcome == "cosigned" else REFUSED_SUFFIX)


def is_settled(modified: float, now: float, settle: float) -> bool:
    """Whether a file last changed at ``modified`` is old enough to be complete."""
    return now - modified >= settle


def check_ready(directory: Path, exchange: Path) -> str:
    """Load the witness's state and key and check the exchange folder; return the witness's
    verifier key. Raises :class:`WitnessNotReady` naming what is wrong."""
    try:
        state = load_state(directory)
        key = witness_key(directory)
    except EvidenceError as problem:
        raise WitnessNotReady(str(problem)) from None
    except (OSError, ValueError, TypeError) as problem:
        raise WitnessNotReady(f"the witness's state in {directory} does not load: {problem}") from None
    if not state.log_keys:
        raise WitnessNotReady(f"the witness in {directory} knows no log key")
    if not exchange.is_dir():
        raise WitnessNotReady(f"the exchange folder {exchange} does not exist")
    for mode, what in ((os.R_OK | os.X_OK, "read"), (os.W_OK, "written")):
        if not os.access(exchange, mode):
            raise WitnessNotReady(f"the exchange folder {exchange} cannot be {what} by this process")
    return key.vkey()


def load_seen(directory: Path) -> dict[str, dict[str, Any]]:
    try:
        return json.loads((directory / SEEN_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as problem:
        raise WitnessNotReady(f"the witness's record of decided requests does not load: {problem}") from None


def _write_atomic(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def watch_pass(directory: Path, exchange: Path, timestamp: int, now: float, settle: float = 1.0) -> list[Decision]:
    """Decide every new, settled request in ``exchange`` (in name order); return the decisions."""
    check_ready(directory, exchange)
    seen = load_seen(directory)
    decisions = []
    for entry in sorted(os.scandir(exchange), key=lambda e: e.name):
        if not is_request(entry.name) or not entry.is_file() or not is_settled(entry.stat().st_mtime, now, settle):
            continue
        try:
            data = Path(entry.path).read_bytes()
        except OSError:
            continue  # removed or unreadable meanwhile: the next pass sees it again
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        decision = _decide(directory, exchange, entry.name, data, digest, timestamp)
        seen[digest] = {k: v for k, v in asdict(decision).items() if k != "sha256"}
        _write_atomic(directory / SEEN_FILE, json.dumps(seen, indent=1, sort_keys=True))
        decisions.append(decision)
    return decisions


def _decide(directory: Path, exchange: Path, name: str, data: bytes, digest: str, timestamp: int) -> Decision:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as problem:
        return _refuse(directory, exchange, name, digest, f"not a JSON request ({str(problem)[:200]})")
    try:
        note = cosign_request(directory, document, timestamp)
    except (EvidenceError, KeyError, TypeError, ValueError) as problem:
        return _refuse(directory, exchange, name, digest, str(problem) or type(problem).__name__)
    output = output_name(name, "cosigned")
    _write_atomic(exchange / output, note)
    stale = exchange / output_name(name, "refused")  # an earlier request of that name was refused
    stale.unlink(missing_ok=True)
    return Decision(name, digest, "cosigned", output, load_state(directory).size, None)


def _refuse(directory: Path, exchange: Path, name: str, digest: str, reason: str) -> Decision:
    state = load_state(directory)
    output = output_name(name, "refused")
    _write_atomic(exchange / output, (
        f"refused: {reason}\n"
        f"request: {name} (sha256 {digest})\n"
        f"the witness last cosigned size {state.size}, root {state.root}\n"
        f"next request: oar-ledger prove --consistency {state.size} NEWEST --out {name}\n"
    ))  # fmt: skip
    return Decision(name, digest, "refused", output, None, reason)
