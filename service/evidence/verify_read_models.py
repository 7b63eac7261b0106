"""Every read-model row checked against a fold of the store's events (issue 15, item 5).

The projection is rebuilt from the event store into a scratch SQLite database with the
projector's own writer (``projections.writer.apply_events``) and the two are compared
table by table, row by row, with ``projections.compare`` — what ``projections compare``
does between two projections. So an edited actor in ``audit_trail``, a deleted
``memberships`` row or a changed sponsor is a finding, not only a changed event hash.

The projection may lag: each group is folded up to the version the projection holds for
it (``groups.version``, or its audit trail's last version if the ``groups`` row is gone),
so events not projected yet are not differences.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from infra.db import make_engine
from infra.evidence.records import StoredRecord, read_records
from infra.kafka.envelope import event_from_body
from projections.compare import compare
from projections.tables import audit_trail, groups, read_models
from projections.writer import apply_events
from service.evidence.findings import MAX_PER_SOURCE, Check, VerifyReport


def verify_read_models(projection: Engine, recorder: Any, report: VerifyReport, advance: Callable[[int], None],
                       batch_size: int = 1000) -> None:  # fmt: skip
    """Fold the store as far as ``projection`` got, compare, report each differing row."""
    sink = report.sink("read models")
    projected = _projected_versions(projection)
    with tempfile.TemporaryDirectory(prefix="oar-verify-") as folder:
        folded = make_engine(f"sqlite:///{Path(folder) / 'folded.sqlite'}")
        try:
            read_models.create_all(folded)
            count = _fold(recorder, folded, projected, sink, advance, batch_size)
            differences = compare(projection, folded, limit=MAX_PER_SOURCE)
        finally:
            folded.dispose()
    for d in differences:
        position = d.key[0] if d.table == "audit_trail" else None
        where = "the projection" if d.detail == "only in the first" else "the store's events"
        detail = f"only in {where}" if d.detail.startswith("only in") else d.detail
        sink(position, f"read model {d.table} row {d.key}: {detail}")
    status = "mismatch" if report.found("read models") else "ok"
    summary = (f"{len(projected)} group(s) of the projection compared row by row with a fold of "
               f"{count} stored event(s)")  # fmt: skip
    report.checks.append(Check("read models", status, summary))


def _projected_versions(projection: Engine) -> dict[str, int]:
    """How far the projection got, per group: its ``groups`` row's version, or (if that row
    is missing) the last version its audit trail holds."""
    last_in_trail = select(audit_trail.c.group_id, func.max(audit_trail.c.version)).group_by(audit_trail.c.group_id)
    with projection.connect() as connection:
        found = {str(g): v for g, v in connection.execute(last_in_trail)}
        found |= {str(g): v for g, v in connection.execute(select(groups.c.group_id, groups.c.version))}
    return found


def _fold(recorder: Any, engine: Engine, projected: dict[str, int], sink: Callable[..., None],
          advance: Callable[[int], None], batch_size: int) -> int:  # fmt: skip
    """Apply the events the projection should hold; an event that cannot be folded is a
    finding (the store checks say why) and its group is folded no further."""
    folded, broken = 0, set()
    if not projected:  # an empty projection: nothing to fold, nothing to read
        return 0
    for records in read_records(recorder, 1, batch_size):
        wanted = [r for r in records if r.version <= projected.get(r.group_id, 0) and r.group_id not in broken]
        with engine.begin() as connection:
            try:
                with connection.begin_nested():
                    folded += apply_events(connection, [(_event(r), r.position) for r in wanted])
            except Exception:  # noqa: BLE001 - find the culprit one event at a time
                folded += _fold_one_by_one(connection, wanted, broken, sink)
        advance(len(records))
    return folded


def _fold_one_by_one(connection: Any, records: list[StoredRecord], broken: set[str], sink: Callable[..., None]) -> int:
    folded = 0
    for r in records:
        if r.group_id in broken:
            continue
        try:
            with connection.begin_nested():
                folded += apply_events(connection, [(_event(r), r.position)])
        except Exception as problem:  # noqa: BLE001 - reported, never raised
            broken.add(r.group_id)
            sink(r.position, f"cannot fold the stored event into read models: {str(problem)[:300]}",
                 event_id=r.event_id, group_id=r.group_id)  # fmt: skip
    return folded


def _event(record: StoredRecord) -> Any:
    return event_from_body(record.type_name, record.body())
