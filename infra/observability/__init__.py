"""Observability adapters: structured logs (``logs``), Prometheus metrics (``metrics``, the
ledger-wide facts read from the database in ``ledger_metrics``) and the small HTTP server
that serves ``/metrics``, ``/healthz`` and ``/readyz`` for the workers (``http``)."""
