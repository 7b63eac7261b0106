"""Tamper-evidence commands: signing keys, checkpoints, proofs, and ``verify``.

``verify-proof`` works offline: it reads no settings file, database or var dir, only the
proof document and the public verifier key.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.cli.evidence_support import evidence_errors, say
from entrypoints.cli.errors import CliError, ExitCode
from entrypoints.render import err, print_json
from infra.evidence.checkpoint_store import CheckpointStore
from infra.evidence.cosignature import parse_witness_key
from infra.evidence.errors import EvidenceError
from service.evidence.proofs import Prover, verify_document
from bootstrap import checkpoint_now
from infra.evidence.signing import configured_verifier, read_verifier_key

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
KeyOption = Annotated[list[str] | None, typer.Option(
    "--key", help="Trusted verifier key (name+hash+base64) or a file holding it; repeat for rotated keys.")]
def checkpoint(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Sign now, even if the schedule does not call for it.")] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Extend the Merkle tree from the store and sign a checkpoint (when due, or --force)."""
    from infra.kafka.runtime import bootstrap_servers

    cli = state(ctx)
    bootstrap = bootstrap_servers(cli.settings)
    with evidence_errors():
        made = checkpoint_now(cli.ledger, bootstrap=bootstrap, force=force)
    latest = CheckpointStore(cli.ledger.engine).latest()
    if json_flag or cli.json_output:
        print_json(None if latest is None else {
            "created": made is not None, "size": latest.size, "root_hash": latest.root_hash.hex(),
            "time": latest.time, "published": latest.published, "note": latest.note})  # fmt: skip
        return
    if made is None:
        why = "no new events since" if force or latest is None else "not due yet; latest is"
        say(f"no checkpoint made: {why} checkpoint {latest.size if latest else '(none)'}")
        return
    where = (f"published to {cli.settings.checkpoint_topic}" if latest and latest.published
             else "not published: no broker" if bootstrap is None
             else "not published yet: broker unavailable, retried at the next checkpoint")  # fmt: skip
    say(f"checkpoint {made.size} signed at {made.time.isoformat()}: root {made.root_hash.hex()}; {where}")
    say(made.note, end="")


def prove(
    ctx: typer.Context,
    event_id: Annotated[str | None, typer.Argument(help="The event id (ce_id) to prove.")] = None,
    at: Annotated[int | None, typer.Option("--checkpoint", help="Against this checkpoint size (default: latest).")] = None,
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
    if bundle is not None:
        from entrypoints.cli.evidence_bundle import write_bundle

        with evidence_errors():
            write_bundle(cli, event_id, at, bundle)
        return
    with evidence_errors():
        prover = Prover(cli.ledger.engine)
        document = prover.inclusion(event_id, at) if event_id else prover.consistency(*consistency)
    if out_file is not None:
        out_file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if json_flag or cli.json_output:
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    for name, value in document.items():
        if isinstance(value, list):
            value = "\n  ".join([f"{len(value)} hash(es):", *value])
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        say(f"{name}: {str(value).rstrip()}")


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
