"""Pure ASGI middleware: request ids (in the logs and the response), an access log line
without headers (tokens are never logged), request counts and latency by route template
(Prometheus), the request body size limit, and security headers. Hand-written because each
is a few lines and sits on the hot path."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import orjson

from infra.observability.logs import REQUEST_ID as REQUEST_ID_VAR
from infra.observability.metrics import API_REQUEST_SECONDS, API_REQUESTS

log = logging.getLogger("oar.api.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class BodyTooLarge(Exception):
    pass


class ApiMiddleware:
    def __init__(self, app: Any, max_body_bytes: int) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID_VAR.set(request_id)  # every log line of this request carries it
        try:
            await self._handle(scope, receive, send, headers, request_id)
        finally:
            REQUEST_ID_VAR.reset(token)

    async def _handle(self, scope: dict, receive: Any, send: Any, headers: dict, request_id: str) -> None:
        started, status = time.perf_counter(), [500]
        declared = headers.get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_body_bytes:
            await _too_large(send, request_id, self.max_body_bytes)
            self._log(scope, 413, started, request_id)
            return
        received = [0]

        async def limited_receive() -> dict:
            message = await receive()
            received[0] += len(message.get("body", b""))
            if received[0] > self.max_body_bytes:
                raise BodyTooLarge()
            return message

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                present = {name for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra, (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            await _too_large(send, request_id, self.max_body_bytes)
            status[0] = 413
        self._log(scope, status[0], started, request_id)

    @staticmethod
    def _log(scope: dict, status: int, started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        template = getattr(scope.get("route"), "path", None)
        log.info("%s %s %s %.1fms request_id=%s", scope["method"], template or scope["path"][:200], status,
                 elapsed * 1000, request_id)  # fmt: skip
        route = template or "(unmatched)"  # never the raw path: one series per route, not per URL
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        API_REQUESTS.labels(method, route, str(status)).inc()
        API_REQUEST_SECONDS.labels(method, route).observe(elapsed)


async def _too_large(send: Any, request_id: str, limit: int) -> None:
    body = orjson.dumps({"type": "urn:oar-ledger:problem:body-too-large", "title": "Request body too large",
                         "status": 413, "detail": f"request bodies are limited to {limit} bytes"})  # fmt: skip
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
               (b"x-request-id", request_id.encode()), *SECURITY_HEADERS]  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
