"""The ledger's Prometheus metrics, on one registry per process (``REGISTRY``).

The relay and the projector update them as they work; the API mounts the same registry
(``prometheus_client.make_asgi_app(registry=REGISTRY)``). Facts about the whole ledger that
live in its database (refusals, checkpoints, verification runs, events stored) are read at
scrape time by ``ledger_metrics.LedgerCollector``, registered in the relay only so that they
are exported once.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, GCCollector, PlatformCollector, ProcessCollector

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

EVENTS_PUBLISHED = Counter(
    "oar_relay_events_published", "Events the relay published and the broker acknowledged", registry=REGISTRY
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
