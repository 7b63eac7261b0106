"""Tamper-evidence commands: ``checkpoint`` (keys: key_commands.py; proofs and
``verify-proof``: proof_commands.py; ``verify``: verify_command.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from bootstrap import checkpoint_now
from entrypoints.cli.context import state
from entrypoints.cli.evidence_support import evidence_errors, say
from entrypoints.render import print_json
from infra.evidence.checkpoint_store import CheckpointStore

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
