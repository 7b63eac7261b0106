"""``GET /metrics``: the API's Prometheus metrics (requests and latency by route, counted by
the middleware) and the ledger's, read from its databases when scraped: events stored,
refusals by rule and clause, the relay's and the read models' lag, the newest checkpoint's
age, the last verification. Not in the OpenAPI document (it is for Prometheus, not clients);
publish it to the monitoring network only.

With ``serve --workers N`` each worker process counts its own requests: prometheus-client's
multiprocess mode (``count_in_files``) keeps them in files that ``/metrics`` adds up, so a
scrape answered by any worker shows every worker's requests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import Response

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from sqlalchemy import Engine

    from bootstrap import Ledger


def ledger_registry(ledger: Ledger, projections: Callable[[], Engine]) -> CollectorRegistry:
    """A registry holding the ledger-wide collector of this app's databases."""
    from prometheus_client import CollectorRegistry

    from infra.clock import system_clock
    from infra.observability.ledger_metrics import LedgerCollector
    from projections.queries import last_applied_position

    def projected() -> int:
        with projections().connect() as connection:
            return last_applied_position(connection)

    recorder = ledger.app.recorder
    registry = CollectorRegistry()
    registry.register(LedgerCollector(
        ledger.engine, lambda: recorder.max_notification_id() or 0, system_clock,
        relay_topic=ledger.settings.ledger_topic, projected=projected,
    ))  # fmt: skip
    return registry


MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's own switch, read when it is imported
API_SERIES = "oar_api_"


def count_in_files() -> Path:
    """Before worker processes start: they count in files under a new temporary directory
    (``TMPDIR``; a tmpfs in the compose file, whose containers are read-only), returned so
    that the caller removes it when they have stopped."""
    directory = Path(tempfile.mkdtemp(prefix="oar-api-metrics-"))
    os.environ[MULTIPROCESS_DIR] = str(directory)
    return directory


class _EveryWorkersRequests:
    """The API's series summed over every worker's files (the workers also hold the relay's
    and projector's series at zero, never served by the API)."""

    def collect(self) -> Iterator:
        from prometheus_client import multiprocess

        for family in multiprocess.MultiProcessCollector(None, os.environ[MULTIPROCESS_DIR]).collect():
            if family.name.startswith(API_SERIES):
                yield family


def metrics(request: Request) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    from infra.observability.metrics import API_REGISTRY

    api = API_REGISTRY
    if os.environ.get(MULTIPROCESS_DIR):
        api = CollectorRegistry(auto_describe=False)
        api.register(_EveryWorkersRequests())
    ledger_wide = request.app.state.context.metrics  # set by build_context
    body = generate_latest(api) + generate_latest(ledger_wide)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
