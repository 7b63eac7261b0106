"""Entry points for the rest of the ledger: the relay loop, the demo, the CLI.

* ``checkpoint_hook(ledger, bootstrap)`` returns a callable for a long-running loop
  (the relay): call it after each drain; it extends the tree incrementally and signs a
  checkpoint when the schedule says so. It never raises: problems are logged (a missing
  key once), so the relay keeps publishing whatever happens to checkpointing.
* ``checkpoint_now(ledger, bootstrap=..., force=True)`` for one-shot callers (the demo,
  ``oar-ledger checkpoint``): raises ``MissingSigningKey`` / ``TamperError``.

Both take time from the ledger's clock (``ledger.app.clock()``).
"""

from __future__ import annotations

import logging
from typing import Any

from infra.evidence.checkpoint_store import StoredCheckpoint
from service.evidence.checkpointer import Checkpointer
from infra.evidence.errors import EvidenceError, MissingSigningKey

log = logging.getLogger("oar.evidence")


class CheckpointHook:
    """``hook()`` = extend the tree and checkpoint if due; returns the new checkpoint or None."""

    def __init__(self, ledger: Any, bootstrap: str | None = None) -> None:
        self.ledger, self.bootstrap = ledger, bootstrap
        self.checkpointer: Checkpointer | None = None
        self._last_problem = ""

    def __call__(self) -> StoredCheckpoint | None:
        try:
            if self.checkpointer is None:
                self.checkpointer = Checkpointer.for_ledger(self.ledger, bootstrap=self.bootstrap)
                self.ledger.closers.append(self.checkpointer.close)
            made = self.checkpointer.maybe_checkpoint(self.ledger.app.clock())
        except MissingSigningKey as problem:
            self._report(logging.WARNING, f"checkpoints disabled: {problem}")
            return None
        except EvidenceError as problem:
            self._report(logging.ERROR, f"not checkpointing: {problem}")
            return None
        except Exception as problem:  # noqa: BLE001 - e.g. the database is briefly unavailable
            self._report(logging.WARNING, f"checkpointing failed, will retry: {problem}")
            self.checkpointer = None  # rebuild from the tables next time
            return None
        self._last_problem = ""
        if made is not None:
            log.info("checkpoint %d signed (root %s)", made.size, made.root_hash.hex()[:16])
        return made

    def _report(self, level: int, message: str) -> None:
        if message != self._last_problem:  # once per distinct problem, not every loop
            log.log(level, message)
            self._last_problem = message


def checkpoint_hook(ledger: Any, bootstrap: str | None = None) -> CheckpointHook:
    """A callable for the relay loop; publishes checkpoints if ``bootstrap`` is given."""
    return CheckpointHook(ledger, bootstrap)


def checkpoint_now(ledger: Any, *, bootstrap: str | None = None, force: bool = True) -> StoredCheckpoint | None:
    """Extend the tree and sign a checkpoint (``force``) or only if due; None if nothing new."""
    checkpointer = Checkpointer.for_ledger(ledger, bootstrap=bootstrap)
    try:
        now = ledger.app.clock()
        return checkpointer.checkpoint(now) if force else checkpointer.maybe_checkpoint(now)
    finally:
        checkpointer.close()


def republish_evidence(ledger: Any) -> None:
    """After the broker lost data (``relay --republish``): every signed checkpoint of both
    logs and every sealed refusal is sent again by the next :func:`publish_evidence`."""
    from sqlalchemy import update

    from infra.evidence.checkpoint_store import checkpoints, refusal_checkpoints
    from infra.store.refusal_chain import refusal_chain

    with ledger.engine.begin() as connection:
        for table in (checkpoints, refusal_checkpoints, refusal_chain):
            connection.execute(update(table).values(published=False))


def publish_evidence(ledger: Any, bootstrap: str) -> int:
    """Publish what is pending: ledger checkpoints, refusals, refusal checkpoints. Returns the
    ledger checkpoints sent; 0 without a signing key (nothing was ever signed then)."""
    from infra.store.refusal_chain import chain_links

    try:
        checkpointer = Checkpointer.for_ledger(ledger, bootstrap=bootstrap)
    except MissingSigningKey:
        return 0
    try:
        sent = checkpointer.publish_pending()
        with ledger.engine.connect() as connection:
            checkpointer.refusals.publish_pending(chain_links(connection))
        return sent
    finally:
        checkpointer.close()
