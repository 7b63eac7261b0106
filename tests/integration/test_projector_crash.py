"""Crash test: `oar-ledger project` (follow mode, a consumer group) is SIGKILLed while it
applies a few thousand events, restarted, and ends with exactly what a fresh `replay`
builds. One projector writes a SQLite file, another the ledger's PostgreSQL schema; both
run at once so that their (slow, on Tansu) group joins overlap.

The console script's consumer uses kafka-python's default session timeout (45 s), and
Tansu holds a JoinGroup for about half of it: the first batch arrives ~25 s after start.
The restarts therefore use `project --once` (no consumer group), as agreed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError
from test_projector_support import (
    bulk_groups,
    check_audit_trail,
    check_read_models,
    cli_env,
    count,
    create_topics,
    oar_ledger,
    offsets,
    on_topic,
    open_ledger,
    postgres_url_with_schema,
    stored,
)

from bootstrap import build_relay
from infra.db import make_engine
from entrypoints.demo.script import DemoRun
from entrypoints.demo.year import run_year
from infra.settings import Settings
from projections.compare import compare
from projections.tables import audit_trail

pytestmark = pytest.mark.integration

JOIN_AND_APPLY_TIMEOUT = 120  # seconds: ~25 s group join, then a few seconds of applying


def committed(engine) -> int:
    try:
        return count(engine, audit_trail)
    except (OperationalError, ProgrammingError):  # the projector has not created its tables yet
        return 0


def test_projector_killed_mid_run_catches_up_to_a_fresh_replay(
    sqlite_settings, postgres_settings, clock, dev_broker, unique_topic, tmp_path
):
    bootstrap = dev_broker.bootstrap_servers
    ledger_settings = on_topic(sqlite_settings, unique_topic)
    create_topics(ledger_settings, bootstrap)
    with open_ledger(ledger_settings, clock) as ledger:
        run_year(DemoRun(app=ledger.app, clock=clock, suffix="crash"))
        bulk_groups(ledger, count=100, joins=18, start=datetime(2025, 2, 1, tzinfo=UTC))
        total = len(stored(ledger))
        assert total > 2000
        assert build_relay(ledger, bootstrap).drain() == total

        # Projector 1: a SQLite file named by OAR_PROJECTION_DATABASE_URL.
        sqlite_url = f"sqlite:///{tmp_path / 'crashed.sqlite'}"
        first = Target("sqlite", sqlite_url, make_engine(sqlite_url),
                       cli_env(on_topic(Settings(var_dir=tmp_path / "cli-var", _env_file=None), unique_topic),
                               bootstrap, OAR_PROJECTION_DATABASE_URL=sqlite_url,
                               OAR_PROJECTOR_GROUP_ID=f"crash-{uuid.uuid4().hex}"))  # fmt: skip
        # Projector 2: no projection URL, so the read models go to the ledger's PostgreSQL
        # schema (Settings.projection_url falls back to OAR_DATABASE_URL, with its schema).
        pg = on_topic(postgres_settings, unique_topic, var_dir=tmp_path / "pg-var")
        assert pg.projection_url == pg.database_url
        second = Target("postgres", postgres_url_with_schema(pg.database_url, pg.database_schema),
                        make_engine(pg.database_url, pg.database_schema),
                        cli_env(pg, bootstrap, OAR_PROJECTOR_GROUP_ID=f"crash-{uuid.uuid4().hex}"))  # fmt: skip
        targets = [first, second]
        replay_url = f"sqlite:///{tmp_path / 'replayed.sqlite'}"
        try:
            for target in targets:
                target.start(["project"], tmp_path)
            kill_each_mid_run(targets, total)
            for target in targets:
                # each batch was committed with its offsets, so the rows match the offsets
                assert 0 < target.at_kill < total, (target.name, target.at_kill, target.log())
                assert sum(offsets(target.engine, unique_topic).values()) == target.at_kill, target.name

            # restart both (`--once`: no consumer group) and, meanwhile, replay into a fresh file
            replay = first.spawn(["replay", "--into", replay_url], tmp_path)
            catch_up = [target.spawn(["project", "--once"], tmp_path) for target in targets]
            for target, process in zip(targets, catch_up, strict=True):
                out = finished(process)
                assert f"applied {total - target.at_kill} event(s)" in out, out
                assert committed(target.engine) == total
            out = finished(replay)
            assert f"replayed {total} event(s)" in out, out

            replayed = make_engine(replay_url)
            try:
                for target in targets:
                    assert compare(target.engine, replayed) == [], target.name
                    assert check_audit_trail(ledger, target.engine) == total
                same = first.spawn(["projections", "compare", first.url, replay_url], tmp_path)
                also = first.spawn(["projections", "compare", second.url, replay_url], tmp_path)
                assert "the projections hold the same state" in finished(same)
                assert "the projections hold the same state" in finished(also)
                assert check_read_models(ledger, replayed) == 107
            finally:
                replayed.dispose()
        finally:
            for target in targets:
                target.stop()


def finished(process: subprocess.Popen) -> str:
    try:
        out, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 0, f"{process.args} exited {process.returncode}:\n{out}"
    return out


class Target:
    """One projection database and the `oar-ledger` processes writing it."""

    def __init__(self, name: str, url: str, engine, env: dict[str, str]) -> None:
        self.name, self.url, self.engine, self.env = name, url, engine, env
        self.process: subprocess.Popen | None = None
        self.at_kill = -1
        self.log_path = None

    def start(self, args: list[str], cwd) -> None:
        """The long-running projector, its output in a log file."""
        self.log_path = cwd / f"project-{self.name}.log"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([oar_ledger(), *args], env=self.env, cwd=cwd, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)  # fmt: skip

    def spawn(self, args: list[str], cwd) -> subprocess.Popen:
        """A command run to completion (see ``finished``)."""
        return subprocess.Popen([oar_ledger(), *args], env=self.env, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)  # fmt: skip

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.at_kill = committed(self.engine)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.engine.dispose()


def kill_each_mid_run(targets: list[Target], total: int) -> None:
    """SIGKILL each projector as soon as it has committed some, not all, of the events."""
    deadline = time.monotonic() + JOIN_AND_APPLY_TIMEOUT
    running = list(targets)
    while running:
        for target in list(running):
            assert target.process.poll() is None, f"{target.name} projector exited:\n{target.log()}"
            applied = committed(target.engine)
            assert applied < total, f"{target.name} applied everything before it could be killed"
            if applied > 0:
                target.kill()
                running.remove(target)
        assert time.monotonic() < deadline, f"no progress in {JOIN_AND_APPLY_TIMEOUT}s:\n" + "\n".join(
            t.log() for t in running)
        time.sleep(0.02)
