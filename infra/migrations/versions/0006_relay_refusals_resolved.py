"""The relay never skips a refused event (issue 15): it stops on it and the next start sends it
again. ``resolved_at`` records when the broker then took it; the row is kept, and ``verify``
reports only the refusals still unresolved. Rows of the earlier release (events it skipped)
stay unresolved until ``relay --republish`` publishes them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("relay_refusals", sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("relay_refusals") as batch:
        batch.drop_column("resolved_at")
