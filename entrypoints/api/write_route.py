"""``WriteRoute``: how a write runs. FastAPI documents each write from its endpoint's
signature (``writes.write_endpoint``: the OpenAPI document, checked in under
``contracts/``), and this route class runs it with one handler instead of FastAPI's
per-parameter dependency solving, which cost about a fifth of a write's CPU in the
server (measured with yappi; the README's API benchmark section has the figures).

Custom route classes are FastAPI's documented hook for this (``APIRoute.get_route_handler``).
The handler validates with the same definitions: the bearer scheme is FastAPI's own
``HTTPBearer``, the path and header parameters one pydantic model built from the very
annotations the endpoint's signature declares, the body the command's body model (decoded
by orjson, as FastAPI decodes it with the json module). Errors are the same problem
details, naming the same fields (``tests/integration/test_api_write_route.py`` compares
both handlers' answers); one is better: JSON that does not parse is named ``body``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, create_model
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from entrypoints.api.auth import bearer, current_principal
from entrypoints.api.writes import IdempotencyKey, IfMatch, PathSegment, Write, command_body, run_write

JSON_TYPES = ("application/json",)


class WriteRoute(APIRoute):
    """A write (``routes_commands.WRITES``); its endpoint carries the ``Write`` it is for."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return write_handler(self.endpoint.write)


def request_parameters(write: Write) -> type[BaseModel]:
    """The write's path and header parameters as one model (aliases: the header names)."""
    fields: dict[str, Any] = {name: (PathSegment, ...) for name in write.path_fields}
    fields |= {"if_match": (IfMatch, None), "idempotency_key": (IdempotencyKey, None)}
    return create_model(f"{write.command.__name__}Parameters", **fields)


def write_handler(write: Write) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    parameters, body_model = request_parameters(write), command_body(write)

    async def handle(request: Request) -> Response:
        principal = await current_principal(request, await bearer(request))
        headers = request.headers
        given = parameters.model_validate(request.path_params | {
            "If-Match": headers.get("if-match"), "Idempotency-Key": headers.get("idempotency-key")})  # fmt: skip
        fields = {name: getattr(given, name) for name in write.path_fields}
        if body_model is not None:  # a write without body fields ignores any body, as FastAPI does
            body = body_model.model_validate(await _json_body(request), from_attributes=True)  # as FastAPI does
            fields = body.model_dump(exclude_unset=True) | fields
        return await run_in_threadpool(run_write, request, principal, write, fields, given.if_match,
                                       given.idempotency_key)  # fmt: skip

    return handle


async def _json_body(request: Request) -> Any:
    """The body, decoded; refused as FastAPI refuses it (none at all, not declared JSON),
    except that JSON that does not parse is named ``body`` (FastAPI names the character
    position as if it were a field)."""
    body = await request.body()
    if not body:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
    declared = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not (declared in JSON_TYPES or (declared.startswith("application/") and declared.endswith("+json"))):
        raise RequestValidationError([{"type": "model_attributes_type", "loc": ("body",), "input": body[:100],
                                       "msg": "Input should be a valid dictionary or object to extract fields from"}])  # fmt: skip
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "input": {},
                                       "msg": f"JSON decode error at character {error.pos}: {error.msg}"}]) from None  # fmt: skip
