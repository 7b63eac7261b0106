"""The long-running commands' metrics and health endpoints (``OAR_METRICS_PORT``): what the
relay and the projector report after each unit of work."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from infra.observability import metrics
from infra.observability.http import Health, serve
from infra.settings import Settings


@contextmanager
def observability(settings: Settings, health: Health, collector: Any = None, registry: Any = None) -> Iterator[None]:
    """Serve /metrics, /healthz and /readyz while the command runs (if a port is set)."""
    if settings.metrics_port is None:
        yield
        return
    if collector is not None:
        metrics.REGISTRY.register(collector)
    server = serve(settings.metrics_host, settings.metrics_port, health, registry or metrics.REGISTRY)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        if collector is not None:
            metrics.REGISTRY.unregister(collector)


def relay_observer(relay: Any, recorder: Any, health: Health) -> Callable[[], None]:
    """After each publishing pass: the acknowledged position, the lag behind the store."""

    def observe() -> None:
        position = relay.state.load().position
        metrics.RELAY_POSITION.set(position)
        metrics.RELAY_LAG.set(max(0, (recorder.max_notification_id() or 0) - position))
        metrics.RELAY_PASS_TIME.set(time.time())
        health.worked()

    return observe


def projector_observer(projector: Any, health: Health) -> Callable[[int, int], None]:
    """After each poll: events applied since the last one, lag per assigned partition."""
    seen = 0

    def observe(applied: int, _total: int) -> None:
        nonlocal seen
        metrics.EVENTS_PROJECTED.inc(applied - seen)
        seen = applied
        for (topic, partition), lag in projector.lag().items():
            metrics.CONSUMER_LAG.labels(topic, str(partition)).set(lag)
        metrics.PROJECTOR_POLL_TIME.set(time.time())
        if projector.consumer.assignment():
            health.worked()
        else:
            health.not_ready("no partition assigned yet (joining the consumer group)")

    return observe


def chain(*hooks: Callable[[], None] | None) -> Callable[[], None]:
    def run_all() -> None:
        for hook in hooks:
            if hook is not None:
                hook()

    return run_all
