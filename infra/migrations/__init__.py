"""Alembic migrations of the ledger's own tables in the ledger database: refused commands,
relay progress, Merkle leaves, checkpoints, verification runs, the API's idempotency
keys, the refusal chain and its checkpoints, the key set, the relay's refusals (resolved or
not). Not eventsourcing's event store (its schema belongs to the library) and not the read
models (rebuilt by replay).

``infra.migrations.schema`` runs them; ``oar-ledger db init`` / ``db upgrade`` call it. A new
release that changes one of these tables adds a revision file under ``versions/`` (``script.py.mako`` is its
template) and moves ``HEAD``; ``tests/integration/test_migrations.py`` fails until the
migrated schema equals the tables the code declares.
"""

HEAD = "0006"
"""The newest revision; a test checks it is alembic's head."""

BASELINE = "0001"
"""The schema release 0.1.0 created with ``create_all``, before migrations existed."""

VERSION_TABLE = "ledger_schema_version"
