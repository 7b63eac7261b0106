"""The workers' HTTP endpoints: ``/metrics`` (Prometheus text format), ``/healthz`` (the
process answers and its main loop is alive) and ``/readyz`` (it did its work recently: the
relay finished a publishing pass, the projector polled with partitions assigned).

Served by the standard library's WSGI server in a daemon thread (a handful of requests a
minute from Prometheus and the container's health check need nothing more).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

from infra.observability.metrics import REGISTRY


@dataclass
class Health:
    """Readiness from the time of the last unit of work: ready while it is younger than
    ``ready_within`` seconds (and ``mark_ready`` has not been withdrawn with a reason)."""

    ready_within: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _last_work: float | None = field(default=None, init=False)
    _not_ready: str | None = field(default="starting", init=False)

    def worked(self) -> None:
        self._last_work, self._not_ready = self.clock(), None

    def not_ready(self, reason: str) -> None:
        self._not_ready = reason

    def live(self) -> tuple[bool, str]:
        alive = threading.main_thread().is_alive()
        return alive, "main loop running" if alive else "main loop ended"

    def ready(self) -> tuple[bool, str]:
        if self._not_ready is not None:
            return False, self._not_ready
        idle = self.clock() - (self._last_work or 0.0)
        if idle > self.ready_within:
            return False, f"no work done for {idle:.0f}s"
        return True, "ok"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *_args: Any) -> None:  # one line per scrape is noise
        pass


def wsgi_app(health: Health, registry: CollectorRegistry = REGISTRY) -> Callable:
    metrics = make_wsgi_app(registry)

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path in ("/healthz", "/readyz"):
            ok, reason = health.live() if path == "/healthz" else health.ready()
            body = json.dumps({"status": "ok" if ok else "unavailable", "reason": reason}).encode()
            start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "application/json")])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found: /metrics, /healthz, /readyz\n"]

    return app


def serve(host: str, port: int, health: Health, registry: CollectorRegistry = REGISTRY) -> WSGIServer:
    """Start serving in a daemon thread; ``server.shutdown()`` stops it."""
    server = make_server(host, port, wsgi_app(health, registry), server_class=_Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="observability-http", daemon=True).start()
    return server
