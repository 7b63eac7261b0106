"""Tamper evidence: an RFC 6962 / RFC 9162 Merkle log over the global ledger order, signed
C2SP checkpoints, inclusion and consistency proofs, and ``verify``.

Pure primitives: ``merkle`` (tree, proofs, verifiers), ``checkpoint`` (signed notes),
``proofs.verify_document`` (offline proof checking), ``records`` (raw stored events).
With I/O: ``keys`` and ``signing`` (key files), ``leaves`` and ``checkpoint_store``
(tables in the ledger database, see ``tables``), (in ``service.evidence``: ``checkpointer`` and ``service``
(extending the tree and signing), ``publish`` (checkpoint topic), ``verifier`` with
``verify_store``, ``verify_kafka`` and ``audit_trail`` (cross-checks), ``findings``).
Errors: one hierarchy under ``errors.EvidenceError``.
"""
