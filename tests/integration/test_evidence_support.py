"""Helpers shared by the evidence tests (no tests here): a signed demo ledger, and
``Tamper``, which edits the event store behind the application's back with plain SQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import inspect, text

from bootstrap import Ledger, build_ledger
from infra.clock import SimulatedClock
from entrypoints.demo.script import DemoRun
from entrypoints.demo.year import run_year
from infra.evidence.checkpoint import VerifierKey, parse_verifier_key
from infra.evidence.keys import generate_key
from infra.evidence.signing import signing_key_path
from infra.settings import Settings


def evidence_settings(settings: Settings, tmp_path: Path, **update: Any) -> Settings:
    """``settings`` with the signing key under ``tmp_path`` (PostgreSQL settings have no tmp var dir)."""
    return settings.model_copy(update={"signing_key_path": tmp_path / "keys" / "signing.key", **update})


def make_key(settings: Settings) -> VerifierKey:
    return parse_verifier_key(generate_key(signing_key_path(settings), settings.signing_key_name))


def demo_ledger(settings: Settings, clock: SimulatedClock, *suffixes: str) -> Ledger:
    ledger = build_ledger(settings, clock)
    for suffix in suffixes or ("x",):
        add_demo(ledger, clock, suffix)
    return ledger


def add_demo(ledger: Ledger, clock: SimulatedClock, suffix: str) -> None:
    """Record the demo year (~78 events) with fresh slugs; leave the clock where it was."""
    now = clock()
    run_year(DemoRun(app=ledger.app, clock=clock, suffix=suffix))
    clock.set(now)


class Tamper:
    """Direct SQL on the eventsourcing events table (``stored_events`` on SQLite, where the
    position is the rowid; ``<app>_events`` with ``notification_id`` on PostgreSQL)."""

    def __init__(self, ledger: Ledger) -> None:
        self.engine = ledger.engine
        self.table = ledger.app.recorder.events_table_name
        assert self.table in inspect(self.engine).get_table_names(), self.table
        self.pos = "notification_id" if ledger.settings.uses_postgres else "rowid"

    def _run(self, sql: str, **params: Any) -> Any:
        with self.engine.begin() as connection:
            return connection.execute(text(sql), params)

    def positions(self) -> list[int]:
        return [row[0] for row in self._run(f"SELECT {self.pos} FROM {self.table} ORDER BY {self.pos}")]

    def row(self, position: int) -> tuple[str, int, dict[str, Any]]:
        """(group id, version, state) of the event at ``position``."""
        group, version, state = self._run(
            f"SELECT originator_id, originator_version, state FROM {self.table} WHERE {self.pos} = :p", p=position
        ).one()
        return str(UUID(str(group))), version, json.loads(bytes(state))

    def alter(self, position: int, **fields: Any) -> None:
        """Change fields of the stored JSON state of one event (hashes left as they were)."""
        state = self.row(position)[2] | fields
        data = json.dumps(state, separators=(",", ":")).encode()
        self._run(f"UPDATE {self.table} SET state = :s WHERE {self.pos} = :p", s=data, p=position)

    def delete(self, *positions: int) -> None:
        for position in positions:
            self._run(f"DELETE FROM {self.table} WHERE {self.pos} = :p", p=position)

    def swap(self, first: int, second: int) -> None:
        """Exchange the ledger positions of two events."""
        for old, new in ((first, -1), (second, first), (-1, second)):
            self._run(f"UPDATE {self.table} SET {self.pos} = :new WHERE {self.pos} = :old", new=new, old=old)

    def truncate(self, count: int) -> list[int]:
        """Delete the last ``count`` events; return their positions."""
        tail = self.positions()[-count:]
        self.delete(*tail)
        return tail

    def burn_positions(self, count: int) -> None:
        """PostgreSQL only: consume sequence values, as rolled-back inserts do (a permanent gap)."""
        for _ in range(count):
            self._run(f"SELECT nextval(pg_get_serial_sequence('{self.table}', 'notification_id'))")


def different_groups(tamper: Tamper, start: int) -> tuple[int, int]:
    """Two positions from ``start`` on whose events belong to different groups."""
    positions = [p for p in tamper.positions() if p >= start]
    first_group = tamper.row(positions[0])[0]
    second = next(p for p in positions[1:] if tamper.row(p)[0] != first_group)
    return positions[0], second
