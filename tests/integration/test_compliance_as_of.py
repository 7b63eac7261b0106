"""Compliance on a past date is the compliance of the ledger as it stood then (issue 12).

The compliance scenario is played twice, on SQLite and on PostgreSQL: in full into one ledger,
and only up to the end of the review date into another (a ledger "truncated at that date").
`compliance_on` over the full ledger must give exactly the flags the truncated ledger's read
models give on that date. The old view (today's projected state judged on the date) does not.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from test_projector_compliance import scenario
from test_projector_support import open_ledger, stored

from bootstrap import build_projection_engine
from entrypoints.demo.script import DemoRun
from infra.settings import Settings
from projections.writer import apply_events
from service.compliance import compliance_on, compliance_today, end_of, groups_as_of

pytestmark = pytest.mark.integration

DAYS = [date(2024, 7, 1), date(2025, 6, 15), date(2025, 12, 31)]


class TruncatedRun(DemoRun):
    """Plays only the steps up to a moment: the ledger as it would have been then."""

    cutoff = None

    def play(self) -> None:
        self.steps[:] = [step for step in self.steps if step[0] <= self.cutoff]
        super().play()


@pytest.fixture
def other_settings(settings: Settings, tmp_path):
    """A second, empty ledger on the same kind of database."""
    if not settings.uses_postgres:
        yield Settings(var_dir=tmp_path / "truncated", _env_file=None)
        return
    schema = f"oar_test_{uuid.uuid4().hex[:12]}"
    yield settings.model_copy(update={"database_schema": schema})
    engine = create_engine(str(settings.database_url).replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def key(flags) -> list[tuple[str, str, str, str]]:
    return sorted((f.group, f.rule, f.clause, f.detail) for f in flags)


def project_store(ledger, settings) -> tuple[list, int]:
    """Project the ledger's events straight into its read models (no broker needed here)."""
    engine = build_projection_engine(settings)
    events = stored(ledger)
    with engine.begin() as connection:
        apply_events(connection, [(event, position) for position, event in events])
    return engine, events[-1][0] if events else 0


def test_compliance_on_a_past_date_equals_the_ledger_truncated_then(settings, other_settings, clock):
    with open_ledger(settings, clock) as full:
        scenario(DemoRun(app=full.app, clock=clock, suffix=""))
        full_engine, full_head = project_store(full, settings)
        try:
            for day in DAYS:
                TruncatedRun.cutoff = end_of(day)
                truncated_settings = other_settings.model_copy(
                    update={"var_dir": other_settings.var_dir / day.isoformat()} if not other_settings.uses_postgres
                    else {"database_schema": f"{other_settings.database_schema}_{day:%Y%m%d}"})  # fmt: skip
                try:
                    with open_ledger(truncated_settings, clock) as truncated:
                        scenario(TruncatedRun(app=truncated.app, clock=clock, suffix=""))
                        engine, head = project_store(truncated, truncated_settings)
                        with engine.connect() as connection:
                            then = compliance_today(connection, head, day)
                        engine.dispose()
                        assert then.freshness.fresh
                        as_of = compliance_on(full.app, day)
                        assert as_of.flags and key(as_of.flags) == key(then.flags), day
                        truncated_groups = {g["slug"]: g for g in groups_as_of(truncated.app, end_of(day))}
                        assert {g["slug"]: g for g in groups_as_of(full.app, end_of(day))} == truncated_groups
                        with full_engine.connect() as connection:  # the old answer: today's state judged then
                            old = compliance_today(connection, full_head, day)
                        if day < DAYS[-1]:  # events after the date change the answer
                            assert key(old.flags) != key(then.flags), day
                finally:
                    _drop(truncated_settings)
            assert {f.group for f in compliance_on(full.app, DAYS[0]).flags} <= {"dormant"}
        finally:
            full_engine.dispose()


def _drop(settings: Settings) -> None:
    if settings.uses_postgres:
        engine = create_engine(str(settings.database_url).replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{settings.database_schema}" CASCADE'))
        engine.dispose()
