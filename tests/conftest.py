"""Fixtures shared by every layer: settings for SQLite and PostgreSQL, a wired ledger."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from bootstrap import Ledger, build_ledger
from infra.clock import SimulatedClock
from infra.settings import Settings

POSTGRES_URL = os.environ.get("OAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_settings(tmp_path) -> Settings:
    return Settings(var_dir=tmp_path / "var", _env_file=None)


@pytest.fixture
def postgres_settings() -> Iterator[Settings]:
    """A fresh PostgreSQL schema per test, dropped afterwards."""
    schema = f"oar_test_{uuid.uuid4().hex[:12]}"
    yield Settings(database_url=POSTGRES_URL, database_schema=schema, _env_file=None)
    engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request) -> Settings:
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_settings")


@pytest.fixture
def ledger(settings: Settings, clock: SimulatedClock) -> Iterator[Ledger]:
    wired = build_ledger(settings, clock)
    yield wired
    wired.close()
