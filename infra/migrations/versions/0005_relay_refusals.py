"""The relay's refusals (issue 15): an event the broker refused for good (too large) is
recorded here (topic, position, group, error, time). In this release the relay then skipped
it; since 0006 it stops on it and sends it again on the next start (``resolved_at``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relay_refusals",
        sa.Column("topic", sa.String(249), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.String(200), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("relay_refusals")
