"""Write the previous-release fixture ledger (``v1-ledger.sqlite``) with the code of that release.

The fixture is what a ledger written before event schema v2 looks like: the demo year
(CERN and LSE groups, decisions, refusals, gatherings, sponsorships, a termination),
every event stored as ``<Name>.v1``, with its Merkle leaves and one signed checkpoint.
It was made from commit 2b978cc (the last release with v1 events only):

    git archive 2b978cc | tar -x -C /tmp/release-v1
    cd /tmp/release-v1 && PYTHONPATH=. /path/to/.venv/bin/python \
        /path/to/tests/data/previous_release/make_ledger.py /path/to/tests/data/previous_release

Only the public verifier key is kept (``verifier.vkey``); the signing key is thrown away.
Re-running it with today's code would write v2 events: run it only against that commit.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from infra.bootstrap import build_ledger
from infra.clock import SimulatedClock
from infra.demo.script import DemoRun
from infra.demo.year import run_year
from infra.evidence.service import checkpoint_now
from infra.evidence.signing import ensure_signing_key
from infra.settings import Settings

REVIEW_DATE = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as var:
        settings = Settings(var_dir=Path(var), signing_key_path=Path(var) / "signing.key",
                            signing_key_name="release-v1-fixture", command_cache_size=0)
        clock = SimulatedClock(REVIEW_DATE)
        ledger = build_ledger(settings, clock)
        try:
            run = DemoRun(app=ledger.app, clock=clock, suffix="v1")
            run_year(run)
            clock.set(REVIEW_DATE)
            verifier_key, _ = ensure_signing_key(settings)
            checkpoint_now(ledger)
        finally:
            ledger.close()
        target = out / "v1-ledger.sqlite"
        target.unlink(missing_ok=True)
        with sqlite3.connect(settings.sqlite_path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)  # one self-contained file, no WAL beside it
        (out / "verifier.vkey").write_text(verifier_key + "\n")
        print(f"{sum(o.accepted for o in run.outcomes)} commands recorded, "
              f"{sum(not o.accepted for o in run.outcomes)} refused; written {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
