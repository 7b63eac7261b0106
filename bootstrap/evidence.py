"""Wiring of the tamper evidence: the checkpointer, its relay hook and on-demand checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bootstrap import Ledger


def build_checkpointer(ledger: Ledger, *, bootstrap: str | None = None):
    """A checkpointer configured from the settings; publishes checkpoints if ``bootstrap``
    is given. Raises ``MissingSigningKey`` when there is no key file."""
    from infra.evidence.publish import publisher_for
    from infra.evidence.signing import checkpoint_origin, load_signer
    from service.evidence.checkpointer import Checkpointer
    from service.evidence.refusals import refusal_evidence_for

    settings = ledger.settings
    origin, signer = checkpoint_origin(settings), load_signer(settings)
    return Checkpointer(
        ledger.app.recorder, ledger.engine, signer, origin,
        every_events=settings.checkpoint_every_events, every_seconds=settings.checkpoint_every_seconds,
        publisher=publisher_for(settings, bootstrap, origin),
        refusals=refusal_evidence_for(ledger, signer, origin, bootstrap),  # the refusal log, alongside
    )  # fmt: skip


def build_checkpoint_hook(ledger: Ledger, bootstrap: str | None = None):
    """The relay loop's checkpoint hook; its checkpointer is closed with the ledger."""
    from service.evidence.service import CheckpointHook

    hook = CheckpointHook(lambda: build_checkpointer(ledger, bootstrap=bootstrap), ledger.app.clock)
    ledger.closers.append(hook.close)
    return hook


def checkpoint_now(ledger: Ledger, *, bootstrap: str | None = None, force: bool = True):
    """Extend the tree and sign a checkpoint now (``force``) or only if due; None if nothing new."""
    from service.evidence.service import checkpoint_with

    return checkpoint_with(build_checkpointer(ledger, bootstrap=bootstrap), ledger.app.clock(), force=force)
