"""The evidence tables of the ledger database. Importing this module registers them on
``infra.db.metadata``, so that ``build_ledger`` (and ``oar-ledger db init``) creates them."""

from __future__ import annotations

from infra.evidence.checkpoint_store import checkpoints, refusal_checkpoints
from infra.evidence.key_set import key_set_notes, verifier_keys
from infra.evidence.leaves import merkle_leaves
from infra.evidence.verify_runs import verification_runs
from infra.store.refusal_chain import refusal_chain

TABLES = (merkle_leaves, checkpoints, verification_runs, refusal_chain, refusal_checkpoints, verifier_keys, key_set_notes)
