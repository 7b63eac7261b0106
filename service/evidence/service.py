"""Checkpointing for the rest of the ledger: the relay loop, the demo, the CLI.

* :class:`CheckpointHook` is a callable for a long-running loop (the relay): call it after
  each drain; it extends the tree incrementally and signs a checkpoint when the schedule
  says so. It never raises: problems are logged (a missing key once), so the relay keeps
  publishing whatever happens to checkpointing.
* :func:`checkpoint_with` for one-shot callers (the demo, ``oar-ledger checkpoint``):
  raises ``MissingSigningKey`` / ``TamperError``.

The composition root builds the checkpointer (``bootstrap.build_checkpointer``) and hands
it over; time comes from the ledger's clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from infra.evidence.checkpoint_store import StoredCheckpoint
from service.evidence.checkpointer import Checkpointer
from infra.evidence.errors import EvidenceError, MissingSigningKey

log = logging.getLogger("oar.evidence")


class CheckpointHook:
    """``hook()`` = extend the tree and checkpoint if due; returns the new checkpoint or None."""

    def __init__(self, make_checkpointer: Callable[[], Checkpointer], clock: Callable[[], datetime]) -> None:
        self.make_checkpointer, self.clock = make_checkpointer, clock
        self.checkpointer: Checkpointer | None = None
        self._retired: list[Checkpointer] = []
        self._last_problem = ""

    def __call__(self) -> StoredCheckpoint | None:
        try:
            if self.checkpointer is None:
                self.checkpointer = self.make_checkpointer()
            made = self.checkpointer.maybe_checkpoint(self.clock())
        except MissingSigningKey as problem:
            self._report(logging.WARNING, f"checkpoints disabled: {problem}")
            return None
        except EvidenceError as problem:
            self._report(logging.ERROR, f"not checkpointing: {problem}")
            return None
        except Exception as problem:  # noqa: BLE001 - e.g. the database is briefly unavailable
            self._report(logging.WARNING, f"checkpointing failed, will retry: {problem}")
            self._retire()  # rebuild from the tables next time
            return None
        self._last_problem = ""
        if made is not None:
            log.info("checkpoint %d signed (root %s)", made.size, made.root_hash.hex()[:16])
        return made

    def close(self) -> None:
        """Close every checkpointer this hook made (the composition root calls it at the end)."""
        self._retire()
        for checkpointer in self._retired:
            checkpointer.close()
        self._retired.clear()

    def _retire(self) -> None:
        if self.checkpointer is not None:
            self._retired.append(self.checkpointer)
            self.checkpointer = None

    def _report(self, level: int, message: str) -> None:
        if message != self._last_problem:  # once per distinct problem, not every loop
            log.log(level, message)
            self._last_problem = message


def checkpoint_with(checkpointer: Checkpointer, now: datetime, *, force: bool = True) -> StoredCheckpoint | None:
    """Extend the tree and sign a checkpoint (``force``) or only if due; None if nothing new.
    Closes ``checkpointer``."""
    try:
        return checkpointer.checkpoint(now) if force else checkpointer.maybe_checkpoint(now)
    finally:
        checkpointer.close()
