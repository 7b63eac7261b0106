"""Baseline: the ledger tables of release 0.1.0, as its ``create_all`` made them.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refused_commands",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("group_slug", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("clause", sa.String(128), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_table(
        "relay_state",
        sa.Column("topic", sa.String(249), primary_key=True),
        sa.Column("cluster_id", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "relay_partitions",
        sa.Column("topic", sa.String(249), primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("last_offset", sa.Integer, nullable=False),
        sa.Column("last_position", sa.Integer, nullable=False),
    )
    op.create_table(
        "merkle_leaves",
        sa.Column("leaf_index", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("position", sa.BigInteger, nullable=False, unique=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("group_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("event_hash", sa.String(64), nullable=False),
        sa.Column("leaf_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_merkle_leaves_event_id", "merkle_leaves", ["event_id"])
    op.create_table(
        "checkpoints",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root_hash", sa.String(64), nullable=False),
        sa.Column("time", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("checkpoints", "merkle_leaves", "relay_partitions", "relay_state", "refused_commands"):
        op.drop_table(table)
