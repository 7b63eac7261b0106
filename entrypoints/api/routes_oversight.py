"""The read models and the refusal log: pending requests, §9 rejections held for the OAR's
review, sponsorships, refused commands
(filtered as the CLI's `refusals`), the audit trail and its exports. Paginated by cursor.
Groups and compliance (as of a date, with freshness) are in ``routes_review``."""

from __future__ import annotations

from functools import partial
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import AwareDatetime
from sqlalchemy import select

from domain.errors import NotFound
from entrypoints.api.auth import Caller
from entrypoints.api.context import context
from entrypoints.api.pagination import Cursor, Limit, decode, page, slice_page
from entrypoints.api.responses import json_response
from entrypoints.exports import MEDIA_TYPES, ExportFormat, export_chunks
from projections.queries import audit_after, audit_rows, group_id_of
from projections.queries import pending_requests, review_queue, sponsorship_register
from projections.tables import groups, managers
from infra.store.refusals import RefusalQuery
from service.access import require_oversight, visible_requests
from service.history import find_refusal_rows

GroupFilter = Annotated[str | None, Query(max_length=64, description="Only this group (slug)")]


def add_oversight_routes(router: APIRouter) -> None:
    add = partial(router.add_api_route, tags=["read models and oversight"], methods=["GET"])
    for path, endpoint, summary in (
        ("/pending-requests", pending, "Membership requests awaiting a manager (yours, or your groups')"),
        ("/held-rejections", held_rejections, "§9 rejections held for the OAR's review, oldest first (OAR, auditors)"),
        ("/sponsorships", sponsorships, "The sponsorship register with its §26 screening (OAR, auditors)"),
        ("/refusals", refusals, "Refused commands and denied attempts (OAR, auditors)"),
        ("/audit", audit, "The audit trail in ledger order (OAR, auditors)"),
        ("/audit/export", export, "The audit trail as csv, json or jsonl (OAR, auditors)"),
    ):  # fmt: skip
        add(path, endpoint, summary=summary)


def pending(request: Request, principal: Caller, cursor: Cursor = None, limit: Limit = 100) -> Response:
    api = context(request)
    with api.projections.connect() as connection:
        rows = pending_requests(connection, api.ledger.app.clock())
        query = select(groups.c.slug).join(managers, managers.c.group_id == groups.c.group_id)
        managed = connection.execute(query.where(managers.c.manager_id == principal.subject)).scalars().all()
    return json_response(slice_page(request, visible_requests(principal, rows, managed), cursor, limit))


def held_rejections(request: Request, principal: Caller, cursor: Cursor = None, limit: Limit = 100) -> Response:
    """The OAR's §9 queue: each held rejection with the manager, criterion, reason, the grounds
    the screen found and the days waited; decided by the upholding/overturning commands."""
    require_oversight(principal, "the rejections held for review")
    api = context(request)
    with api.projections.connect() as connection:
        rows = review_queue(connection, api.ledger.app.clock())
    return json_response(slice_page(request, rows, cursor, limit))


def sponsorships(request: Request, principal: Caller, cursor: Cursor = None, limit: Limit = 100) -> Response:
    require_oversight(principal, "the sponsorship register")
    with context(request).projections.connect() as connection:
        rows = sponsorship_register(connection)
    return json_response(slice_page(request, rows, cursor, limit))


Exactly = Annotated[str | None, Query(max_length=200, description="Only refusals with exactly this value")]


def refusals(request: Request, principal: Caller, group: Exactly = None, actor: Exactly = None, rule: Exactly = None,
             clause: Exactly = None, since: Annotated[AwareDatetime | None, Query(alias="from")] = None,
             until: Annotated[AwareDatetime | None, Query(alias="to")] = None, cursor: Cursor = None,
             limit: Limit = 100) -> Response:  # fmt: skip
    """Refused commands, oldest first: time, actor, role, command, group, rule, clause and the
    message; filtered by group, actor, rule, clause and time (`from`/`to`)."""
    require_oversight(principal, "the refusal log")
    query = RefusalQuery(group, actor, rule, clause, since, until, limit + 1, after=decode(cursor))
    rows = find_refusal_rows(context(request).ledger.refusals, query)
    items = [refusal for _, refusal in rows[:limit]]
    return json_response(page(request, items, limit, rows[limit - 1][0] if len(rows) > limit else None))


def _group_id(connection, slug: str | None) -> str | None:
    if slug is None:
        return None
    found = group_id_of(connection, slug)
    if found is None:
        raise NotFound("group", f"{slug} in the read models")
    return found


def audit(request: Request, principal: Caller, group: GroupFilter = None, cursor: Cursor = None,
          limit: Limit = 100) -> Response:  # fmt: skip
    require_oversight(principal, "the audit trail")
    with context(request).projections.connect() as connection:
        rows = audit_after(connection, _group_id(connection, group), decode(cursor), limit + 1)
    more = len(rows) > limit
    return json_response(page(request, rows[:limit], limit, rows[limit - 1]["position"] if more else None))


def export(request: Request, principal: Caller, format: ExportFormat = ExportFormat.JSONL,
           group: GroupFilter = None) -> Response:  # fmt: skip
    require_oversight(principal, "the audit trail")
    engine = context(request).projections
    with engine.connect() as connection:
        group_id = _group_id(connection, group)
    return StreamingResponse(_stream(engine, group_id, format), media_type=MEDIA_TYPES[format])


def _stream(engine, group_id: str | None, fmt: ExportFormat) -> Iterator[bytes]:
    """Streamed row by row, so a large export never sits in memory; the CLI's bytes."""
    with engine.connect() as connection:
        for chunk in export_chunks(fmt, audit_rows(connection, group_id)):
            yield chunk.encode("utf-8")
