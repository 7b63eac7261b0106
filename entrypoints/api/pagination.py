"""Cursor pagination for every list: an opaque cursor (base64url JSON) and a ``next`` link."""

from __future__ import annotations

import base64
from typing import Annotated, Any

import orjson
from fastapi import Query, Request

from entrypoints.api.problems import ApiProblem

Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=200, description="The `next_cursor` of the previous page")]


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"after": position})).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The position after which the page starts (0 = from the start)."""
    if not cursor:
        return 0
    try:
        after = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["after"]
    except (ValueError, KeyError, TypeError):
        after = None
    if not isinstance(after, int) or after < 0:
        raise ApiProblem(400, "validation", "Invalid cursor", "cursor is not one this API returned", field="cursor")
    return after


def page(request: Request, items: list[Any], limit: int, next_after: int | None) -> dict[str, Any]:
    """A page; ``next_after`` is None on the last page."""
    body: dict[str, Any] = {"items": items, "next_cursor": None, "next": None}
    if next_after is not None:
        body["next_cursor"] = encode(next_after)
        body["next"] = str(request.url.include_query_params(cursor=body["next_cursor"], limit=limit))
    return body


def slice_page(request: Request, rows: list[Any], cursor: str | None, limit: int) -> dict[str, Any]:
    """Pagination over a list computed in full (small lists: groups, pending requests)."""
    start = decode(cursor)
    chunk = rows[start : start + limit]
    return page(request, chunk, limit, start + limit if start + limit < len(rows) else None)
