"""Every write goes through ``run_write``: the caller's actor from the token, the body
validated as the domain command the CLI builds, If-Match, and the Idempotency-Key.

``write_endpoint`` turns one row of the routing table (method, path, command) into a
FastAPI endpoint whose body model is the command's own fields minus the path's and the
actor (so the CLI and the API validate the same way, and the OpenAPI document shows it).
The server runs it through ``write_route.WriteRoute``, with the same definitions.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

import orjson
from fastapi import Body, Header, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, create_model

from entrypoints.api.auth import Caller
from entrypoints.api.context import context
from entrypoints.api.problems import ApiProblem, problem_for, respond
from infra.store.idempotency import StoredResponse
from service.access import Principal, actor_for

KEPT_HEADERS = ("etag", "location", "content-type")
IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,12})"?\s*$')
PathSegment = Annotated[str, Path(max_length=64)]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=40, description="The group version (ETag) decided on")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$",
    description="A retried request with the same key returns the first response")]  # fmt: skip


@dataclass(frozen=True)
class Write:
    method: str
    path: str
    command: type
    summary: str
    creates: str | None = None  # Location of what a 201 created, e.g. "/groups/{group}"

    @property
    def path_fields(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))


@cache
def command_body(write: Write) -> type[BaseModel] | None:
    """The command's fields that the body carries (not the actor, not the path's)."""
    skip = {"actor", *write.path_fields}
    fields = {n: (f.annotation, f) for n, f in write.command.model_fields.items() if n not in skip}
    if not fields:
        return None
    config = ConfigDict(extra="forbid", title=f"{write.command.__name__}Body")
    return create_model(f"{write.command.__name__}Body", __config__=config, **fields)


def write_endpoint(write: Write):
    body_model = command_body(write)

    def endpoint(request: Request, principal: Principal, if_match: str | None, idempotency_key: str | None,
                 body: BaseModel | None = None, **path: str) -> Response:  # fmt: skip
        fields = (body.model_dump(exclude_unset=True) if body is not None else {}) | path
        return run_write(request, principal, write, fields, if_match, idempotency_key)

    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("principal", keyword, annotation=Caller),
        *[inspect.Parameter(name, keyword, annotation=PathSegment) for name in write.path_fields],
        inspect.Parameter("if_match", keyword, default=None, annotation=IfMatch),
        inspect.Parameter("idempotency_key", keyword, default=None, annotation=IdempotencyKey),
    ]
    if body_model is not None:
        params.insert(2, inspect.Parameter("body", keyword, annotation=Annotated[body_model, Body()]))
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = re.sub(r"(?<!^)(?=[A-Z])", "_", write.command.__name__).lower()
    endpoint.write = write  # type: ignore[attr-defined]  # what write_route.WriteRoute runs
    return endpoint


def expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = IF_MATCH.match(if_match)
    if match is None:
        raise ApiProblem(400, "validation", "Invalid If-Match", 'If-Match must be a group version ETag, e.g. "7"',
                         field="If-Match")  # fmt: skip
    return int(match.group(1))


def run_write(request: Request, principal: Principal, write: Write, fields: dict[str, Any],
              if_match: str | None, key: str | None) -> Response:  # fmt: skip
    expected = expected_version(if_match)
    if key is None:
        return _execute(request, principal, write, fields, expected)
    store = context(request).idempotency
    fingerprint = hashlib.sha256(orjson.dumps([request.method, request.url.path, if_match, fields],
                                              default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()  # fmt: skip
    stored = store.reserve(principal.subject, key, fingerprint, context(request).ledger.app.clock())
    if stored is not None:
        return Response(stored.body, stored.status, headers=stored.headers | {"Idempotent-Replayed": "true"})
    try:
        response = _execute(request, principal, write, fields, expected)
    except Exception as error:
        problem = problem_for(error)
        if problem is None or problem.status >= 500:
            store.release(principal.subject, key)  # nothing happened: a retry may run it
            raise
        response = respond(error, request)
    headers = {k: v for k, v in response.headers.items() if k in KEPT_HEADERS}
    store.complete(principal.subject, key, StoredResponse(response.status_code, headers, response.body.decode()))
    return response


def _execute(request: Request, principal: Principal, write: Write, fields: dict[str, Any],
             expected: int | None) -> Response:  # fmt: skip
    command = write.command.model_validate(fields | {"actor": actor_for(principal, write.command)})
    receipt = context(request).ledger.app.execute(command, expected_version=expected)
    body = {"group": receipt.group, "group_id": str(receipt.group_id), "events": list(receipt.events),
            "versions": list(receipt.versions), "positions": list(receipt.positions)}  # fmt: skip
    headers = {"ETag": f'"{receipt.versions[-1]}"'}
    status = 200
    if write.creates:
        status, headers["Location"] = 201, write.creates.format(**command.model_dump())
    return Response(orjson.dumps(body), status, headers=headers, media_type="application/json")
