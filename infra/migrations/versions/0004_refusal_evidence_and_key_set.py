"""Refusals as evidence and the signing key's rotation (issue 12): the refusal log's hash chain
(``refusal_chain``) and its signed checkpoints (``refusal_checkpoints``); the key set
(``verifier_keys``: every verifier key and the checkpoints it may sign) and its signed notes
(``key_set_notes``).

A ledger that logged refusals before this revision has them sealed into the new chain here,
in log order (``adopt_existing_refusals``): their protection starts at the upgrade.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _checkpoint_table(name: str) -> None:
    """The columns of ``infra.evidence.checkpoint_store.checkpoint_table``."""
    op.create_table(
        name,
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root_hash", sa.String(64), nullable=False),
        sa.Column("time", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
    )


def upgrade() -> None:
    op.create_table(
        "refusal_chain",
        sa.Column("sequence", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("refusal_id", sa.Integer, nullable=False, unique=True),
        sa.Column("previous_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("refusal_hash", sa.String(64), nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
    )
    _checkpoint_table("refusal_checkpoints")
    op.create_table(
        "verifier_keys",
        sa.Column("ordinal", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("vkey", sa.Text, nullable=False, unique=True),
        sa.Column("valid_from_size", sa.BigInteger, nullable=False),
        sa.Column("retired_at_size", sa.BigInteger, nullable=True),
        sa.Column("retired_at", sa.String(40), nullable=True),
    )
    _checkpoint_table("key_set_notes")
    _adopt_existing_refusals()


def _adopt_existing_refusals() -> None:
    # The chain's hashing is the ledger's own (one implementation, also used when verifying).
    from infra.store.refusal_chain import adopt_existing_refusals
    from infra.store.refusals import refused_commands

    adopt_existing_refusals(op.get_bind(), refused_commands)


def downgrade() -> None:
    for table in ("key_set_notes", "verifier_keys", "refusal_checkpoints", "refusal_chain"):
        op.drop_table(table)
