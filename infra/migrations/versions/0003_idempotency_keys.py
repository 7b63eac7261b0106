"""Idempotency keys of the HTTP API's writes (``infra/store/idempotency.py``): a retry with the
same ``Idempotency-Key`` gets the first response back instead of running the command again.

Databases that the API used before migrations covered this table already have it (made by
``create_all``, same columns): then it is kept as it is, with its rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("idempotency_keys"):
        return
    op.create_table(
        "idempotency_keys",
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer, nullable=True),  # null while the first request runs
        sa.Column("headers", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
