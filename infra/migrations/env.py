"""Alembic's environment: always given an open connection by ``infra.schema`` (no URL, no
ini file, so no password ever passes through alembic's configuration)."""

from alembic import context

import infra.schema  # noqa: F401  (registers every ledger table on the metadata)
from infra.db import metadata
from infra.migrations import VERSION_TABLE

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
