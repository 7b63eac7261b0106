"""Compliance on a date (flags, counts per clause, an SVG chart) and the refusal log with
filters: OAR and auditors only (the API's ``require_oversight``)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from entrypoints.api.context import context
from entrypoints.web.errors import page
from entrypoints.web.session import signed_in
from entrypoints.web.templating import render
from entrypoints.web.views import bar_chart
from projections.compliance import compliance_view, end_of, flag_rows
from service.access import require_oversight
from service.compliance import working_calendar

Text = Annotated[str | None, Query(max_length=100)]
SHOWN = 500


def oversight_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/compliance", page(compliance), methods=["GET"])
    router.add_api_route("/refusals", page(refusals), methods=["GET"])
    return router


def compliance(request: Request, on: date | None = None) -> Response:
    require_oversight(signed_in(request), "compliance")
    api = context(request)
    day = on or api.ledger.app.clock().date()
    with api.projections.connect() as connection:
        rows = flag_rows(compliance_view(connection, end_of(day), api.settings.pending_request_days,
                                         working_calendar(api.settings)))
    per_clause = Counter(row["clause"] for row in rows)
    return render(request, "compliance.html", on=day, rows=rows, per_clause=sorted(per_clause.items()),
                  chart=bar_chart(per_clause, f"Compliance flags per clause on {day.isoformat()}"))  # fmt: skip


def refusals(request: Request, group: Text = None, actor: Text = None, rule: Text = None, clause: Text = None,
             since: Annotated[date | None, Query(alias="from")] = None,
             until: Annotated[date | None, Query(alias="to")] = None) -> Response:  # fmt: skip
    require_oversight(signed_in(request), "the refusal log")
    rows = []
    for _, refusal in context(request).ledger.refusals.since(0):
        day = refusal.at.date() if isinstance(refusal.at, datetime) else refusal.at
        if ((not group or refusal.group_slug == group) and (not actor or refusal.actor_id == actor)
                and (not rule or refusal.rule == rule) and (not clause or clause in refusal.clause)
                and (since is None or day >= since) and (until is None or day <= until)):  # fmt: skip
            rows.append(refusal)
    return render(request, "refusals.html", rows=rows[-SHOWN:][::-1], total=len(rows), shown=SHOWN,
                  filters={"group": group or "", "actor": actor or "", "rule": rule or "", "clause": clause or "",
                           "from": since.isoformat() if since else "", "to": until.isoformat() if until else ""})  # fmt: skip
