"""Pure ASGI middleware: request ids (in the logs and the response), an access log line
without headers (tokens are never logged), the request body size limit, and security
headers. Hand-written because each is a few lines and sits on the hot path."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import orjson

log = logging.getLogger("oar.api.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
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
        route = getattr(scope.get("route"), "path", None) or scope["path"][:200]
        log.info("%s %s %s %.1fms request_id=%s", scope["method"], route, status,
                 (time.perf_counter() - started) * 1000, request_id)  # fmt: skip


async def _too_large(send: Any, request_id: str, limit: int) -> None:
    body = orjson.dumps({"type": "urn:oar-ledger:problem:body-too-large", "title": "Request body too large",
                         "status": 413, "detail": f"request bodies are limited to {limit} bytes"})  # fmt: skip
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
               (b"x-request-id", request_id.encode()), *SECURITY_HEADERS]  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
