"""Proofs: ``prove`` an event's inclusion or the consistency of two checkpoints (or write
its evidence bundle), and ``verify-proof``, which works offline: it reads no settings file,
database or var dir, only the proof document and the public verifier key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.cli.evidence_commands import JsonFlag, KeyOption
from entrypoints.cli.evidence_support import evidence_errors, say
from entrypoints.cli.output_files import write_text
from entrypoints.render import json_text
from infra.evidence.errors import EvidenceError
from infra.evidence.signing import configured_verifier, read_verifier_key
from service.evidence.proofs import Prover, verify_document


def prove(
    ctx: typer.Context,
    event_id: Annotated[str | None, typer.Argument(help="The event id (ce_id) to prove.")] = None,
    at: Annotated[
        int | None, typer.Option("--checkpoint", min=1, help="Against this checkpoint size (default: latest).")
    ] = None,
    consistency: Annotated[
        tuple[int, int] | None, typer.Option("--consistency", help="OLD NEW: prove checkpoint NEW extends OLD.")
    ] = None,
    json_flag: JsonFlag = False,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the proof document to this file.")] = None,
    bundle: Annotated[Path | None, typer.Option("--bundle", help="Write EVENT_ID's self-contained evidence bundle "
                                                "(check it with tools/check_bundle.py).")] = None,
) -> None:
    """An inclusion proof for an event, or a consistency proof between two checkpoints.

    The proof document (JSON; hashes in hex) carries the signed checkpoint note(s), so
    `oar-ledger verify-proof` checks it with the public key alone.
    """
    cli = state(ctx)
    if (event_id is None) == (consistency is None) or (bundle is not None and event_id is None):
        raise CliError("give either EVENT_ID [--bundle FILE] or --consistency OLD NEW")
    _check_proof_request(event_id, consistency)
    if bundle is not None:
        from entrypoints.cli.evidence_bundle import write_bundle

        with evidence_errors():
            write_bundle(cli, event_id, at, bundle)
        return
    with evidence_errors():
        prover = Prover(cli.ledger.engine)
        document = prover.inclusion(event_id, at) if event_id else prover.consistency(*consistency)
    if out_file is not None:
        write_text(out_file, json_text(document) + "\n")
    if json_flag or cli.json_output:
        print(json_text(document))
        return
    for name, value in document.items():
        if isinstance(value, list):
            value = "\n  ".join([f"{len(value)} hash(es):", *value])
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        say(f"{name}: {str(value).rstrip()}")


def _check_proof_request(event_id: str | None, consistency: tuple[int, int] | None) -> None:
    """Usage errors (exit 2) before any lookup: an event id is a UUID; 0 <= OLD <= NEW (OLD 0: the empty tree)."""
    if event_id is not None:
        try:
            UUID(event_id)
        except ValueError:
            raise CliError(f"invalid EVENT_ID: {event_id!r} is not an event id (a UUID: the message's ce_id)") from None
    if consistency is not None and not 0 <= consistency[0] <= consistency[1]:
        old, new = consistency
        raise CliError(f"invalid --consistency: OLD NEW must satisfy 0 <= OLD <= NEW, got {old} {new}")


def verify_proof(
    ctx: typer.Context,
    proof_file: Annotated[str, typer.Argument(metavar="PROOF.json", help="The proof document ('-' for stdin).")],
    key: KeyOption = None,
    origin: Annotated[str | None, typer.Option("--origin", help="Also require this checkpoint origin.")] = None,
) -> None:
    """Check a proof offline, with only the public key: exit 0 valid, 7 invalid."""
    try:
        raw = sys.stdin.buffer.read() if proof_file == "-" else Path(proof_file).read_bytes()
    except OSError as problem:
        raise CliError(f"cannot read {proof_file}: {problem.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise CliError(f"invalid: the proof file is not UTF-8 text (byte {problem.start})", ExitCode.INTEGRITY) from None
    with evidence_errors():
        verifier = [read_verifier_key(k) for k in key] if key else configured_verifier(state(ctx).settings)
    if verifier is None:
        raise CliError("no verifier key: pass --key (the string or a file), see `oar-ledger keys public`")
    try:
        document = json.loads(text)
        message = verify_document(document, verifier, origin)
    except (ValueError, RecursionError) as problem:  # JSONDecodeError included
        raise CliError(f"invalid: not a JSON proof document ({str(problem)[:200]})", ExitCode.INTEGRITY) from None
    except EvidenceError as problem:
        raise CliError(f"invalid: {problem}", ExitCode.INTEGRITY) from None
    say(message)
