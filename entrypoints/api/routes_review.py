"""The auditor's review of the groups over HTTP, as the CLI's `groups` and `compliance`:
on a date (or as of a moment) each group is rebuilt from the event store; today's answers
come from the read models and carry their freshness (projected position against the store's
head), with a warning when they lag. A stale answer is never ``clean``."""

from __future__ import annotations

from functools import partial
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from entrypoints.api.auth import Caller
from entrypoints.api.context import context
from entrypoints.api.pagination import Cursor, Limit, slice_page
from entrypoints.api.problems import ApiProblem
from entrypoints.api.responses import json_response
from service.access import require_oversight
from service.compliance import (
    Freshness,
    as_of_moment,
    compliance_on,
    compliance_today,
    groups_as_of,
    groups_today,
    working_calendar,
)

AsOf = Annotated[str | None, Query(max_length=64, description="A date (its end, UTC) or an ISO 8601 moment with "
                                   "offset: each group as it stood then, from the event store")]  # fmt: skip


def add_review_routes(router: APIRouter) -> None:
    add = partial(router.add_api_route, tags=["read models and oversight"], methods=["GET"])
    add("/groups", list_groups,
        summary="Every group: today from the read models (with their freshness), or as_of a moment")
    add("/compliance", compliance,
        summary="Compliance flags of every group on a date, as they stood then (OAR, auditors)")


def _store_position(request: Request) -> int:
    return context(request).ledger.app.recorder.max_notification_id() or 0


def _freshness(freshness: Freshness | None) -> dict[str, Any]:
    if freshness is None:
        return {"source": "event store", "fresh": True, "freshness": None, "warning": None}
    return {"source": "read models", "fresh": freshness.fresh, "freshness": freshness.to_json(),
            "warning": freshness.warning()}  # fmt: skip


def list_groups(request: Request, principal: Caller, as_of: AsOf = None, cursor: Cursor = None,
                limit: Limit = 100) -> Response:  # fmt: skip
    freshness = None
    if as_of is not None:
        try:
            moment = as_of_moment(as_of)
        except ValueError as problem:
            raise ApiProblem(400, "validation", "Invalid as_of", f"as_of: {problem}", field="as_of") from None
        rows = groups_as_of(context(request).ledger.app, moment)
    else:
        with context(request).projections.connect() as connection:
            rows, freshness = groups_today(connection, _store_position(request))
    body = slice_page(request, rows, cursor, limit) | _freshness(freshness)
    return json_response(body | {"as_of": None if as_of is None else moment})


def compliance(request: Request, principal: Caller, on: date | None = None,
               request_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
               read_models: Annotated[bool, Query(description="Judge today's projected state on `on` instead of "
                                                  "rebuilding the past (quicker, not as-of)")] = False) -> Response:  # fmt: skip
    require_oversight(principal, "compliance")
    api = context(request)
    day = on or api.ledger.app.clock().date()
    limit = request_days if request_days is not None else api.settings.pending_request_days
    if on is not None and not read_models:
        answer = compliance_on(api.ledger.app, day, limit, working_calendar(api.settings))
    else:
        with api.projections.connect() as connection:
            answer = compliance_today(connection, _store_position(request), day, limit, working_calendar(api.settings))
    return json_response(answer.to_json())
