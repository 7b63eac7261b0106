"""`prove EVENT_ID --bundle FILE`: write the evidence bundle an auditor checks with
`tools/check_bundle.py` (Python and `cryptography` only)."""

from __future__ import annotations

import json
from pathlib import Path

from entrypoints.cli.context import CliState
from entrypoints.cli.errors import CliError
from entrypoints.cli.output_files import write_text
from entrypoints.render import err, line
from infra.evidence.signing import configured_verifier
from service.evidence.bundle import bundle_keys, evidence_bundle


def write_bundle(cli: CliState, event_id: str, at_size: int | None, path: Path) -> dict:
    """Build the bundle for ``event_id`` and write it to ``path`` (never half-written)."""
    configured = configured_verifier(cli.settings)
    keys = bundle_keys(cli.ledger.engine, configured)  # every key, after rotations
    if not keys:
        raise CliError("no verifier key for the bundle: run `oar-ledger keys init` (or set OAR_VERIFIER_KEY)")
    bundle = evidence_bundle(cli.ledger, event_id, configured, at_size)
    write_text(path, json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", "--bundle")
    line(f"evidence bundle for event {event_id} written to {path}; check it anywhere with "
         f"`python check_bundle.py {path.name} " + " ".join(f"--key '{k}'" for k in keys) + "`", stream=err)  # fmt: skip
    return bundle
