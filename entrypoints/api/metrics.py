"""``GET /metrics``: the API's Prometheus metrics (requests and latency by route, counted by
the middleware) and the ledger's, read from its databases when scraped: events stored,
refusals by rule and clause, the relay's and the read models' lag, the newest checkpoint's
age, the last verification. Not in the OpenAPI document (it is for Prometheus, not clients);
publish it to the monitoring network only."""

from __future__ import annotations

from collections.abc import Callable
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


def metrics(request: Request) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from infra.observability.metrics import API_REGISTRY

    ledger_wide = request.app.state.context.metrics  # set by build_context
    body = generate_latest(API_REGISTRY) + generate_latest(ledger_wide)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
