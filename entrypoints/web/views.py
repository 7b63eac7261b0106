"""What the group pages show, computed from the service layer's plain data: the
difference between a group's state then and today, the timeline rows, and a small SVG
bar chart (server-rendered: no script, no external library)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape

from domain.events.base import LedgerEvent
from entrypoints.api.problems import ApiProblem
from domain.events.sponsorship import SponsorshipApproved, SponsorshipRejected, SponsorshipRequested


def parse_moment(value: str | None) -> datetime | None:
    """``2025-03-01T10:00`` (a datetime-local field, read as UTC) or ISO 8601 with an offset."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ApiProblem(422, "validation", "Invalid input", f"invalid as_of: {value[:40]!r} is not a date-time",
                         field="as_of") from None  # fmt: skip
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _statuses(view: dict[str, Any]) -> dict[str, str]:
    out = {}
    for gathering in view["events"]:
        out[f"event {gathering['event']}"] = str(getattr(gathering["status"], "value", gathering["status"]))
        for ref, sponsorship in gathering["sponsorships"].items():
            out[f"sponsorship {gathering['event']}/{ref}"] = str(sponsorship["status"])
        for speaker, status in gathering["speakers"].items():
            out[f"speaker {gathering['event']}/{speaker}"] = str(status)
    return out


def difference(then: dict[str, Any], today: dict[str, Any]) -> list[dict[str, str]]:
    """What changed from ``then`` to ``today``: one row per change (what, then, today)."""
    rows = []
    if then["status"] != today["status"]:
        rows.append({"what": "status", "then": str(then["status"].value), "today": str(today["status"].value)})
    for key in ("managers", "members"):
        for person in sorted(set(then[key]) - set(today[key])):
            rows.append({"what": f"{key[:-1]} {person}", "then": key[:-1], "today": "no longer"})
        for person in sorted(set(today[key]) - set(then[key])):
            rows.append({"what": f"{key[:-1]} {person}", "then": "not yet", "today": key[:-1]})
    before, after = _statuses(then), _statuses(today)
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            rows.append({"what": name, "then": before.get(name, "not yet"), "today": after.get(name, "—")})
    return rows


def screenings(events: list[LedgerEvent], gathering: str) -> dict[str, list[dict[str, Any]]]:
    """Each sponsorship's latest §26 screening findings (the decision's, else the request's)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if isinstance(event, (SponsorshipRequested, SponsorshipApproved, SponsorshipRejected)):
            if event.gathering == gathering:
                found[event.sponsorship] = [f.model_dump() for f in event.screening]
    return found


def bar_chart(counts: Counter[str], title: str, chart_id: str = "chart") -> Markup:
    """Horizontal bars, one per label in label order; accessible (role=img, title and a text
    per bar). ``chart_id`` keeps the ids unique when a page shows several charts."""
    if not counts:
        return Markup("")
    width, bar_height, label_width = 640, 22, 250
    top = max(counts.values()) or 1
    height = bar_height * len(counts) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title" '
             f'viewBox="0 0 {width} {height}" width="100%" class="chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>']  # fmt: skip
    for index, (label, count) in enumerate(sorted(counts.items())):
        y = 5 + index * bar_height
        length = max(2, int((width - label_width - 50) * count / top))
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{bar_height - 6}"></rect>'
                     f'<text x="{label_width + length + 6}" y="{y + 15}">{count}</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))
