"""Alembic's environment: always given an open connection by ``infra.migrations.schema`` (no URL, no
ini file, so no password ever passes through alembic's configuration)."""

from alembic import context

import infra.evidence.tables  # noqa: F401  (these imports register every ledger table on the metadata)
import infra.kafka.relay_state  # noqa: F401
import infra.store.idempotency  # noqa: F401
import infra.store.refusals  # noqa: F401
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
