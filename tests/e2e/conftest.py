"""Fixtures for the end-to-end tests: the real ``oar-ledger`` console script, run as a
subprocess on a fresh SQLite var dir or a fresh PostgreSQL schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

OAR_LEDGER = Path(sys.executable).parent / "oar-ledger"
POSTGRES_URL = os.environ.get("OAR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def clean_environment() -> dict[str, str]:
    """The caller's environment without any ledger or colour settings that would leak in."""
    drop = ("OAR_", "KAFKA_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        env.pop(name, None)
    return env


@dataclass
class Cli:
    """Runs ``oar-ledger`` with a given environment, from a directory without a .env file."""

    env: dict[str, str]
    cwd: Path
    database: str

    def __call__(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(OAR_LEDGER), *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self(*args)
        assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args).stdout)

    def history(self, group: str) -> list[dict[str, Any]]:
        return self.json("history", group, "--json")


def sqlite_cli_at(root: Path) -> Cli:
    root.mkdir(parents=True, exist_ok=True)
    env = clean_environment() | {"OAR_VAR_DIR": str(root / "var")}
    return Cli(env=env, cwd=root, database="sqlite")


@pytest.fixture(scope="session")
def new_sqlite_cli():
    """Make a CLI on a fresh var dir under a given folder (for module-scoped worlds)."""
    return sqlite_cli_at


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Cli:
    return sqlite_cli_at(tmp_path)


@pytest.fixture
def postgres_cli(tmp_path: Path) -> Iterator[Cli]:
    """A unique schema (created by the ledger on first use), dropped afterwards."""
    schema = f"oar_e2e_{uuid.uuid4().hex[:12]}"
    env = clean_environment() | {
        "OAR_VAR_DIR": str(tmp_path / "var"),
        "OAR_DATABASE_URL": POSTGRES_URL,
        "OAR_DATABASE_SCHEMA": schema,
    }
    yield Cli(env=env, cwd=tmp_path, database="postgres")
    engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def cli(request: pytest.FixtureRequest) -> Cli:
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_cli")
