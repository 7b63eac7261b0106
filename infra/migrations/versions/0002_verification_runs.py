"""Verification runs: when `verify` ran, how long it took and whether the ledger passed
(exported as metrics by the relay: last verify result and duration).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_seconds", sa.Float, nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("events", sa.BigInteger, nullable=False),
        sa.Column("first_problem", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("verification_runs")
