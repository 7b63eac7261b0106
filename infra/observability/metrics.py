"""The ledger's Prometheus metrics, on one registry per kind of process.

The relay and the projector update theirs (``REGISTRY``) as they work; the API counts its
requests on its own registry (``API_REGISTRY``), so that it never shows the workers' series
at their zero values. Each process serves its registry at ``/metrics``. Facts about the
whole ledger that live in its databases (refusals, checkpoints, verification runs, events
stored, and in the API the relay's and the read models' lag) are read at scrape time by ``ledger_metrics.LedgerCollector``, which the
relay and the API export (each scrape reads the database, so both show the same values).
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry, Counter, Gauge, GCCollector, Histogram, PlatformCollector, ProcessCollector,
)  # fmt: skip

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

EVENTS_PUBLISHED = Counter(
    "oar_relay_events_published", "Events the relay published and the broker acknowledged", registry=REGISTRY
)
EVENTS_REFUSED = Counter(
    "oar_relay_events_refused", "Events the broker refused for good: the relay stopped on them (recorded, reported by verify)",
    registry=REGISTRY,
)
RELAY_POSITION = Gauge(
    "oar_relay_position", "Ledger position of the last event the broker acknowledged", registry=REGISTRY
)
RELAY_LAG = Gauge(
    "oar_relay_lag_events", "Events stored but not yet acknowledged by the broker", registry=REGISTRY
)
RELAY_PASS_TIME = Gauge(
    "oar_relay_last_pass_timestamp_seconds", "When the relay last finished a publishing pass", registry=REGISTRY
)
EVENTS_PROJECTED = Counter(
    "oar_projector_events_projected", "Events the projector applied to the read models", registry=REGISTRY
)
CONSUMER_LAG = Gauge(
    "oar_projector_consumer_lag_messages",
    "Messages on the partition the projector has not applied yet (high watermark minus position)",
    ["topic", "partition"],
    registry=REGISTRY,
)
PROJECTOR_POLL_TIME = Gauge(
    "oar_projector_last_poll_timestamp_seconds", "When the projector last polled the topic", registry=REGISTRY
)
API_REGISTRY = CollectorRegistry()
ProcessCollector(registry=API_REGISTRY)
PlatformCollector(registry=API_REGISTRY)
GCCollector(registry=API_REGISTRY)

API_REQUESTS = Counter(
    "oar_api_requests",
    "HTTP requests the API answered, by method, route template and status",
    ["method", "route", "status"],
    registry=API_REGISTRY,
)
API_REQUEST_SECONDS = Histogram(
    "oar_api_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=API_REGISTRY,
)

# The witness (`witness watch`) serves its own registry: it has no relay or projector series.
WITNESS_REGISTRY = CollectorRegistry()
ProcessCollector(registry=WITNESS_REGISTRY)
PlatformCollector(registry=WITNESS_REGISTRY)
GCCollector(registry=WITNESS_REGISTRY)

WITNESS_REQUESTS = Counter(
    "oar_witness_requests",
    "Cosigning requests the witness decided, by outcome (cosigned, refused)",
    ["outcome"],
    registry=WITNESS_REGISTRY,
)
WITNESS_SIZE = Gauge(
    "oar_witness_cosigned_size", "Tree size of the last checkpoint the witness cosigned", registry=WITNESS_REGISTRY
)
WITNESS_PASS_TIME = Gauge(
    "oar_witness_last_pass_timestamp_seconds", "When the witness last looked at the exchange folder",
    registry=WITNESS_REGISTRY,
)
