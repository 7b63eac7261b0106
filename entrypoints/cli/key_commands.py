"""`keys`: the Ed25519 key that signs checkpoints, its rotation, and the key set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError
from entrypoints.cli.evidence_support import evidence_errors
from entrypoints.cli.output_files import write_text
from entrypoints.render import err, line, print_json, table
from infra.evidence.key_set import KeySet
from infra.evidence.keys import generate_key
from infra.evidence.signing import key_name, load_signer, signing_key_path

keys_app = typer.Typer(help="The Ed25519 key that signs checkpoints, its rotation, and the key set.",
                       no_args_is_help=True)


@keys_app.command("init")
def keys_init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key that has signed nothing yet "
                                        "(once it has, use `keys rotate`).")] = False,
) -> None:
    """Create the checkpoint-signing key; print its public verifier key."""
    settings = state(ctx).settings
    path = signing_key_path(settings)
    if path.exists() and not force:
        raise CliError(f"a signing key already exists at {path}; --force replaces it if it has signed "
                       "nothing yet, `oar-ledger keys rotate` changes it once it has")  # fmt: skip
    if force and KeySet(state(ctx).ledger.engine).entries():
        raise CliError("the signing key has signed checkpoints: change it with `oar-ledger keys rotate`, which "
                       "retires it at a checkpoint so that older checkpoints keep verifying")  # fmt: skip
    with evidence_errors():
        vkey = generate_key(path, key_name(settings), overwrite=force)
    err.print(f"signing key written to {path} (mode 0600); publish the verifier key below", markup=False)
    print(vkey)


@keys_app.command("public")
def keys_public(
    ctx: typer.Context,
    out_file: Annotated[Path | None, typer.Option("--out", help="Also write the verifier key to this file.")] = None,
    json_flag: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the public verifier key of the signing key (what auditors verify with)."""
    settings = state(ctx).settings
    with evidence_errors():
        vkey = load_signer(settings).verifier_key()
    if out_file is not None:
        write_text(out_file, vkey + "\n")
        line(f"verifier key written to {out_file}", stream=err)
    if json_flag or state(ctx).json_output:
        print_json({"verifier_key": vkey, "name": key_name(settings), "algorithm": "Ed25519"})
    else:
        print(vkey)


@keys_app.command("rotate")
def keys_rotate(ctx: typer.Context) -> None:
    """Sign a last checkpoint with the current key, retire it there and start a new key; the
    key set note is signed by both. Print the new verifier key."""
    from bootstrap import build_checkpointer
    from infra.kafka.runtime import bootstrap_servers
    from service.evidence.keys import rotate_key

    cli = state(ctx)
    with evidence_errors():
        old, new = rotate_key(cli.ledger, build_checkpointer(cli.ledger, bootstrap=bootstrap_servers(cli.settings)))
    err.print(f"retired key {old.ordinal} ({old.vkey.split('+')[1]}) after checkpoint {old.retired_at_size}; "
              f"key {new.ordinal} signs from checkpoint {new.valid_from_size + 1} on", markup=False)  # fmt: skip
    print(new.vkey)


@keys_app.command("list")
def keys_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The key set: every verifier key and the checkpoints it may sign."""
    from service.evidence.keys import key_set_rows

    rows = key_set_rows(state(ctx).ledger.engine)
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table("Verifier keys", ["#", "verifier key", "may sign"], [[r["ordinal"], r["vkey"], r["may_sign"]] for r in rows])
