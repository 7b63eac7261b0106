"""The groups list (read models: status, pack, managers, flags; filter, search, pages),
a group's page (state now and as of a moment, the difference, its timeline and
refusals; from the event store) and a group event's page."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from domain.errors import NotFound
from entrypoints.api.context import context
from entrypoints.web.errors import page
from entrypoints.web.session import signed_in
from entrypoints.web.templating import render
from entrypoints.web.views import difference, parse_moment, screenings
from projections.compliance import compliance_view
from projections.queries import group_rows
from service.access import redact_group, sees_history
from service.compliance import working_calendar
from service.history import group_state, history_row

PAGE_SIZE = 25
Slug = Annotated[str, Path(max_length=64)]
Text = Annotated[str | None, Query(max_length=100)]


def groups_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/groups", page(groups), methods=["GET"])
    router.add_api_route("/groups/{group}", page(group_page), methods=["GET"])
    router.add_api_route("/groups/{group}/events/{gathering}", page(gathering_page), methods=["GET"])
    return router


def groups(request: Request, q: Text = None, status: Text = None, pack: Text = None, flagged: bool = False,
           page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1) -> Response:  # fmt: skip
    signed_in(request)
    api = context(request)
    now = api.ledger.app.clock()
    with api.projections.connect() as connection:
        rows = group_rows(connection)
        found = compliance_view(connection, now, api.settings.pending_request_days, working_calendar(api.settings))
        flags = Counter(flag.group for flag in found)
    needle = (q or "").strip().lower()
    chosen = [r | {"flags": flags.get(r["slug"], 0)} for r in rows
              if (not needle or needle in r["slug"].lower() or needle in r["name"].lower())
              and (not status or r["status"] == status) and (not pack or r["policy_pack"] == pack)
              and (not flagged or flags.get(r["slug"], 0))]  # fmt: skip
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    shown = chosen[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE]
    return render(request, "groups.html", rows=shown, total=len(chosen), page_number=page_number, pages=pages,
                  q=q or "", status=status or "", pack=pack or "", flagged=flagged,
                  statuses=sorted({r["status"] for r in rows}), packs=sorted({r["policy_pack"] for r in rows}))  # fmt: skip


def group_page(request: Request, group: Slug, as_of: Text = None) -> Response:
    principal = signed_in(request)
    api = context(request)
    app, now = api.ledger.app, api.ledger.app.clock()
    current = app.group(group)
    today = redact_group(principal, group_state(current, now))
    moment, then, missing = parse_moment(as_of), None, None
    if moment:
        try:
            then = redact_group(principal, group_state(app.group_as_of(group, moment), moment))
        except NotFound as error:  # requested later than the moment picked
            missing = str(error)
    timeline = None
    if sees_history(principal, current.visibility, current.managers):
        timeline = [history_row(e, group) for e in app.group_events(group)]
    refusals = None
    if principal.sees_everything:
        refusals = [r for _, r in api.ledger.refusals.since(0) if r.group_slug == group]
    return render(request, "group.html", group=today, then=then, moment=moment, now=now, timeline=timeline,
                  refusals=refusals, changes=difference(then, today) if then else [], missing=missing,
                  as_of=moment.strftime("%Y-%m-%dT%H:%M") if moment else "")  # fmt: skip


def gathering_page(request: Request, group: Slug, gathering: Annotated[str, Path(max_length=64)]) -> Response:
    principal = signed_in(request)
    app = context(request).ledger.app
    view = redact_group(principal, group_state(app.group(group), app.clock()))
    found = [g for g in view["events"] if g["event"] == gathering]
    if not found:
        raise NotFound("group event", f"{group}/{gathering}")
    flags = [f for f in view["compliance_flags"] if gathering in f.detail]
    return render(request, "gathering.html", group=view, gathering=found[0], flags=flags,
                  screening=screenings(app.group_events(group), gathering))  # fmt: skip
