"""Verifying a projection's audit trail against the event store, through a small protocol.

Any read model that records, per event, its ledger position, event id and event hash can
be checked: implement ``AuditTrailSource.rows()`` and pass it to ``verify_ledger``. Rows
beyond the last position the trail holds are lag, not a mismatch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

from service.evidence.findings import Check, VerifyReport
from infra.evidence.records import from_notification


@runtime_checkable
class AuditTrailSource(Protocol):
    """A projection's record of which event it applied at which position (an optional
    ``name`` attribute labels it in the report)."""

    def rows(self) -> Iterable[tuple[int, str, str]]:
        """(ledger position, event id, event hash) of every event the projection holds."""
        ...


def verify_audit_trail(source: AuditTrailSource, recorder: Any, report: VerifyReport,
                       advance: Callable[[int], None], stored: int | None = None) -> None:  # fmt: skip
    """Compare the trail with the store up to the trail's last position. ``stored`` (the
    number of events the store check read) lets the events beyond it be counted as lag
    without reading them again; without it they are read and counted."""
    sink, name = report.sink("audit"), getattr(source, "name", type(source).__name__)
    trail: dict[int, tuple[str, str]] = {}
    for position, event_id, event_hash in source.rows():
        row = (str(event_id), str(event_hash))
        if trail.setdefault(position, row) != row:
            sink(position, f"{name} holds two different events at this position")
    last, seen, compared = max(trail, default=0), 0, 0
    for batch in _notifications(recorder, 1, stop=last) if last else ():
        advance(len(batch))
        seen += len(batch)
        for n in batch:
            row = trail.pop(n.id, None)
            r = from_notification(n)
            if row is None:
                sink(r.position, f"missing from {name}", event_id=r.event_id, group_id=r.group_id)
                continue
            compared += 1
            differs = [n for n, a, b in (("event id", row[0], r.event_id), ("event hash", row[1], r.event_hash)) if a != b]
            if differs:
                sink(r.position, f"{name} differs from the store in: {', '.join(differs)}",
                     event_id=r.event_id, group_id=r.group_id)  # fmt: skip
    for position, (event_id, _) in sorted(trail.items()):
        sink(position, f"{name} holds an event the store does not have at this position", event_id=event_id)
    if stored is None:
        lagging = sum(len(batch) for batch in _notifications(recorder, last + 1))
    else:
        lagging = max(0, stored - seen)  # the projection may have moved on since the store was read
    advance(lagging)
    status = "mismatch" if report.found("audit") else "ok"
    summary = f"{compared} row(s) of {name} compared with the store; {lagging} not projected yet"
    report.checks.append(Check("audit trail", status, summary))


def _notifications(recorder: Any, start: int, stop: int | None = None) -> Iterable[list[Any]]:
    while batch := recorder.select_notifications(start, 1000, stop=stop):
        yield batch
        start = batch[-1].id + 1


class ProjectionAuditTrail:
    """The projections' ``audit_trail`` table as an :class:`AuditTrailSource`."""

    name = "the projections' audit trail"

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def rows(self) -> Iterable[tuple[int, str, str]]:
        from sqlalchemy import select

        from projections.tables import audit_trail

        query = select(audit_trail.c.position, audit_trail.c.event_id, audit_trail.c.event_hash)
        with self.engine.connect() as connection:
            yield from connection.execution_options(yield_per=5000).execute(query.order_by(audit_trail.c.position))
