"""The command line: ``python -m infra.contracts write|check``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from infra.contracts.files import check_contracts, render_contracts, write_contracts
from infra.contracts.schemas import CONTRACTS_DIR, DRIFT_HINT


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.contracts",
        description="Generate or check the ledger's JSON Schemas and AsyncAPI document.",
    )
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument(
        "--dir", type=Path, default=CONTRACTS_DIR, help="the contracts folder (default: contracts)"
    )
    args = parser.parse_args(argv)
    root: Path = args.dir
    if args.action == "write":
        changed = write_contracts(root)
        for path in changed:
            print(f"{'wrote' if path.exists() else 'removed'} {path}")
        print(f"{root}: {len(render_contracts())} contract files, {len(changed)} changed")
        return 0
    problems = check_contracts(root)
    if problems:
        print(f"{root} is out of date with the event models:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print(f"To fix it, {DRIFT_HINT}.", file=sys.stderr)
        return 1
    print(f"{root}: up to date")
    return 0

