"""Compliance on a date (flags, counts per clause, an SVG chart) and the refusal log with
filters: OAR and auditors only (the API's ``require_oversight``)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from entrypoints.api.context import context
from entrypoints.web.errors import page
from entrypoints.web.session import signed_in
from entrypoints.web.templating import render
from entrypoints.web.views import bar_chart
from infra.store.refusals import RefusalQuery
from projections.compliance import end_of, flag_rows
from service.history import find_refusals
from service.access import require_oversight
from service.compliance import compliance_on, compliance_today, working_calendar

Text = Annotated[str | None, Query(max_length=100)]
SHOWN = 500


def oversight_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/compliance", page(compliance), methods=["GET"])
    router.add_api_route("/refusals", page(refusals), methods=["GET"])
    return router


def compliance(request: Request, on: date | None = None) -> Response:
    """Today: the read models judged now, with their freshness (a warning when behind, never
    "no flag" on stale models). A date: every group as it stood at the end of that day, from
    the event store, and the flags at the last TREND_MONTHS month ends up to it."""
    require_oversight(signed_in(request), "compliance")
    api = context(request)
    limit, calendar = api.settings.pending_request_days, working_calendar(api.settings)
    if on is None:
        with api.projections.connect() as connection:
            store = api.ledger.app.recorder.max_notification_id() or 0
            answer = compliance_today(connection, store, api.ledger.app.clock().date(), limit, calendar)
        trend = None
    else:
        answer = compliance_on(api.ledger.app, on, limit, calendar)
        trend = _trend(api.ledger.app, on, limit, calendar)
    rows = flag_rows(answer.flags)
    per_clause = Counter(row["clause"] for row in rows)
    return render(request, "compliance.html", on=answer.on, answer=answer, rows=rows,
                  per_clause=sorted(per_clause.items()),
                  chart=bar_chart(per_clause, f"Compliance flags per clause on {answer.on.isoformat()}", "clauses"),
                  trend=trend and bar_chart(trend, "Compliance flags at each month's end", "trend"))  # fmt: skip


TREND_MONTHS = 6
"""Month ends in the flags-over-time chart (each is a full as-of rebuild of every group)."""


def _trend(app, on: date, limit: int | None, calendar) -> Counter[str]:
    ends, day = [], on
    for _ in range(TREND_MONTHS):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)  # the previous month's end
    return Counter({end.isoformat(): len(compliance_on(app, end, limit, calendar).flags) for end in reversed(ends)})


def refusals(request: Request, group: Text = None, actor: Text = None, rule: Text = None, clause: Text = None,
             since: Annotated[date | None, Query(alias="from")] = None,
             until: Annotated[date | None, Query(alias="to")] = None) -> Response:  # fmt: skip
    require_oversight(signed_in(request), "the refusal log")
    start = None if since is None else datetime.combine(since, time.min, tzinfo=UTC)
    query = RefusalQuery(group or None, actor or None, rule or None, None, start, None if until is None else end_of(until))
    rows = [r for r in find_refusals(context(request).ledger.refusals, query) if not clause or clause in r.clause]
    return render(request, "refusals.html", rows=rows[-SHOWN:][::-1], total=len(rows), shown=SHOWN,
                  filters={"group": group or "", "actor": actor or "", "rule": rule or "", "clause": clause or "",
                           "from": since.isoformat() if since else "", "to": until.isoformat() if until else ""})  # fmt: skip
