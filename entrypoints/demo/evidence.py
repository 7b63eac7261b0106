"""The demo's last step: sign a checkpoint and verify the whole ledger."""

from __future__ import annotations

from sqlalchemy import Engine

from bootstrap import Ledger
from entrypoints.render import out
from service.evidence.audit_trail import ProjectionAuditTrail
from bootstrap import checkpoint_now
from infra.evidence.signing import configured_verifier, ensure_signing_key
from service.evidence.verifier import VerifySources, verify_ledger


def checkpoint_and_verify(ledger: Ledger, bootstrap: str, projections: Engine) -> bool:
    """Sign a checkpoint over every stored event (publishing it), then check the store,
    the Merkle tree, the signature, the topic and the projections against each other."""
    verifier_key, created = ensure_signing_key(ledger.settings)
    if created:
        out.print(f"Created the checkpoint signing key; its public verifier key is:\n  {verifier_key}")
    checkpoint = checkpoint_now(ledger, bootstrap=bootstrap)
    if checkpoint is not None:
        out.print("Signed checkpoint (C2SP tlog-checkpoint, Ed25519):")
        out.print(checkpoint.note.rstrip(), markup=False, highlight=False)
    sources = VerifySources(key=configured_verifier(ledger.settings), bootstrap=bootstrap,
                            audit_trail=ProjectionAuditTrail(projections), read_models=projections)  # fmt: skip
    report = verify_ledger(ledger, sources)
    for line in report.lines():
        out.print(line, markup=False, highlight=False)
    out.print("Ledger verified: store, Merkle tree, checkpoints, refusals, topic and read models agree."
              if report.verified else "Ledger verification FAILED (see above).")  # fmt: skip
    return report.verified
