"""`checkpoints`: every stored checkpoint with its size, time, key and cosigners."""

from __future__ import annotations

from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.render import print_json, table
from service.evidence.checkpoint_list import list_checkpoints


def checkpoints(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The signed checkpoints: tree size, time, root, which key signed it, cosigners, published."""
    rows = list_checkpoints(state(ctx).ledger.engine)
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table(f"Checkpoints ({len(rows)})", ["size", "time", "root", "key", "cosigners", "published"],
          [[r["size"], r["time"], r["root_hash"][:16] + "…", r["key"], ", ".join(r["cosigners"]) or "-",
            "yes" if r["published"] else "no"] for r in rows])  # fmt: skip
