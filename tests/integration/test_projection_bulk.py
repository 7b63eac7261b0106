"""``projections.bulk.execute_many`` stores what ``connection.execute(statement, rows)`` stores,
on SQLite and PostgreSQL: the same values as the database holds them (read back as text),
the Python-side column defaults filled in, and a duplicate key raised as SQLAlchemy's
``IntegrityError`` (so the projector isolates the batch as before)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, String, cast, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bootstrap import build_projection_engine
from projections.bulk import execute_many
from projections.tables import gatherings, groups, read_models

pytestmark = pytest.mark.integration

T = datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def _gathering(n: int, **extra) -> dict:
    return {"group_id": f"g-{n}", "gathering": f"x-{n}", "title": f"Ünïcode \"title\" {n}\n\\",
            "starts_at": T.astimezone(timezone(timedelta(hours=2))) + timedelta(days=n),
            "purpose": "social", "status": "proposed", "fee_per_participant": "10.50",
            "cost_per_participant": "0", "under_18_audience": n % 2 == 0, "proposed_at": T,
            **extra}  # fmt: skip


ROWS = [_gathering(1, unregistered_attendees=["a", {"b": [1, None, True]}], listed_on=date(2025, 4, 1)),
        _gathering(2, unregistered_attendees=[], lead_days=14)]  # fmt: skip


def _as_text(engine: Engine, table) -> list[tuple]:
    """Every row, every value as the database holds it, rendered by the database."""
    with engine.connect() as connection:
        rows = connection.execute(select(*(cast(c, String) for c in table.c)).order_by(*table.primary_key.columns))
        return [tuple(row) for row in rows]


def _write(engine: Engine, how) -> None:
    given = ["group_id", "gathering", "title", "starts_at", "purpose", "status", "fee_per_participant",
             "cost_per_participant", "under_18_audience", "proposed_at"]  # fmt: skip
    with engine.begin() as connection:
        how(connection, insert(gatherings), [{k: r[k] for k in r} for r in ROWS[:1]], sorted(ROWS[0]))
        how(connection, insert(gatherings), [{k: r[k] for k in r} for r in ROWS[1:]], sorted(ROWS[1]))
        # the column default (unregistered_attendees: an empty list) added by SQLAlchemy
        how(connection, insert(gatherings), [{k: _gathering(n)[k] for k in given} for n in (3, 4)], given)
        group = {"group_id": "g-1", "slug": "s", "name": "n", "status": "active", "group_type": "club",
                 "managed_by": "managers", "visibility": "public", "policy_pack": "cern", "objectives": "o",
                 "membership_criteria": ["c", {"d": None}], "requested_at": T, "last_activity": T, "version": 1,
                 "last_position": 1}  # fmt: skip
        how(connection, insert(groups), [group], sorted(group))  # termination_requested etc.: defaults
        statement = (update(gatherings).where(gatherings.c.group_id == _b("k_group_id"))
                     .where(gatherings.c.gathering == _b("k_gathering"))
                     .values(status=_b("v_status"), decided_by=_b("v_decided_by"), starts_at=_b("v_starts_at")))  # fmt: skip
        how(connection, statement, [{"k_group_id": "g-2", "k_gathering": "x-2", "v_status": "held",
                                     "v_decided_by": None, "v_starts_at": T},
                                    {"k_group_id": "g-1", "k_gathering": "x-1", "v_status": "listed",
                                     "v_decided_by": "m-1", "v_starts_at": T}], None)  # fmt: skip
        gone = delete(gatherings).where(gatherings.c.group_id == _b("k_group_id")).where(
            gatherings.c.gathering == _b("k_gathering"))
        how(connection, gone, [{"k_group_id": "g-4", "k_gathering": "x-4"}], None)


def _b(name: str):
    from sqlalchemy import bindparam

    return bindparam(name)


def _core(connection, statement, rows, _keys) -> None:
    connection.execute(statement, rows)


def _bulk(connection, statement, rows, keys) -> None:
    execute_many(connection, statement, rows, keys)


def _fresh(settings, tmp_path, name: str) -> Engine:
    url = f"sqlite:///{tmp_path}/{name}.sqlite" if not settings.uses_postgres else None
    engine = build_projection_engine(settings, url)
    read_models.drop_all(engine)
    read_models.create_all(engine)
    return engine


def test_bulk_writes_store_what_core_execute_stores(settings, tmp_path):
    core = _fresh(settings, tmp_path, "core")
    try:
        _write(core, _core)
        expected = {t.name: _as_text(core, t) for t in (gatherings, groups)}
    finally:
        read_models.drop_all(core)
        core.dispose()
    bulk = _fresh(settings, tmp_path, "bulk")
    try:
        _write(bulk, _bulk)
        assert {t.name: _as_text(bulk, t) for t in (gatherings, groups)} == expected
        assert len(expected["gatherings"]) == 3 and len(expected["groups"]) == 1
        assert expected["gatherings"][2][-1] == "[]"  # g-3's unregistered_attendees: the default
    finally:
        bulk.dispose()


def test_a_duplicate_key_raises_integrity_error(settings, tmp_path):
    engine = _fresh(settings, tmp_path, "dup")
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            execute_many(connection, insert(gatherings), ROWS[1:] * 2, sorted(ROWS[1]))
        with engine.connect() as connection:
            assert connection.execute(select(gatherings)).all() == []
    finally:
        engine.dispose()
