"""A group's current state (ETag = its version), its state as of a moment, its events,
and its history with time windows: from the event store itself."""

from __future__ import annotations

from functools import partial
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime

from entrypoints.api.auth import Caller
from entrypoints.api.context import context
from entrypoints.api.pagination import Cursor, Limit, decode, page
from entrypoints.api.responses import json_response
from domain.errors import NotFound
from service.access import AccessDenied, redact_group, sees_history
from service.history import group_state, history_row

Slug = Annotated[str, Path(max_length=64)]
Moment = Annotated[AwareDatetime | None, Query(description="ISO 8601 moment with offset")]


def add_groups_routes(router: APIRouter) -> None:
    add = partial(router.add_api_route, tags=["groups"], methods=["GET"])
    add("/groups/{group}", show_group, summary="A group's state (ETag = version)")
    add("/groups/{group}/events/{gathering}", show_gathering,
        summary="One group event, with speakers, participants and sponsorships")  # fmt: skip
    add("/groups/{group}/history", history, summary="A group's events in order")


def _view(request: Request, principal, group: str, as_of: datetime | None) -> dict:
    app = context(request).ledger.app
    aggregate = app.group_as_of(group, as_of) if as_of else app.group(group)
    return redact_group(principal, group_state(aggregate, as_of or app.clock()))


def show_group(request: Request, principal: Caller, group: Slug, as_of: Moment = None) -> Response:
    """The group rebuilt from its events, with the compliance flags of that moment. On a
    private group, only the OAR, auditors and its managers see the member lists."""
    view = _view(request, principal, group, as_of)
    return json_response(view, headers={"ETag": f'"{view["version"]}"'})


def show_gathering(request: Request, principal: Caller, group: Slug, gathering: Slug) -> Response:
    view = _view(request, principal, group, None)
    found = [g for g in view["events"] if g["event"] == gathering]
    if not found:
        raise NotFound("group event", f"{group}/{gathering}")
    return json_response(found[0], headers={"ETag": f'"{view["version"]}"'})


def history(request: Request, principal: Caller, group: Slug, cursor: Cursor = None, limit: Limit = 100,
            since: Annotated[AwareDatetime | None, Query(alias="from")] = None,
            until: Annotated[AwareDatetime | None, Query(alias="to")] = None) -> Response:  # fmt: skip
    """Every event of the group (optionally from/to moments): event id, time, subject (whom
    the decision was about), actor, role, how the actor signed in, action, reason, clause;
    the cursor is the last version seen."""
    app = context(request).ledger.app
    current = app.group(group)
    if not sees_history(principal, current.visibility, current.managers):
        raise AccessDenied("private-history-for-oar-auditors-managers",
                           "a private group's history names its members: only the OAR, auditors and its managers")  # fmt: skip
    after = decode(cursor)
    rows = [history_row(e, group) for e in app.group_events(group) if e.originator_version > after
            and (since is None or e.timestamp >= since) and (until is None or e.timestamp <= until)]  # fmt: skip
    more = len(rows) > limit
    rows = rows[:limit]
    return json_response(page(request, rows, limit, rows[-1]["version"] if more else None))
