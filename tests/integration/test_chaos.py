"""Fault injection (issue 15): parallel writers, the relay and the projector SIGKILLed and
restarted, and the broker stalled (SIGSTOP), all within a bounded time on PostgreSQL.

At the end, with the broker answering again: the relay and the projector catch up and stop
on SIGTERM; ``verify`` (store, Merkle leaves, signed checkpoints, topic, audit trail and
every read-model row) is clean; a replay of the topic into a fresh database holds the same
state as the live projection (``projections compare``); and the events written, published
and projected are the same: every stored position is on the topic and in the audit trail.

Run alone with ``make chaos`` (``pytest -m chaos``); CI runs it with the rest.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_projector_support import create_topics, on_topic, postgres_url_with_schema
from test_relay_support import (
    PacedRun,
    cli_env,
    oar_ledger_command,
    open_ledger,
    positions_of,
    read_topic,
    run_cli,
    wait_for,
    wait_for_relay_lock,
)

from bootstrap import build_projection_engine
from entrypoints.demo.year import run_year
from infra.clock import SimulatedClock
from infra.kafka.relay_state import RelayStateStore
from projections.tables import audit_trail

pytestmark = [pytest.mark.integration, pytest.mark.chaos]

SEED = 20251201
WRITING = 40.0  # seconds of parallel writes, during which the faults below happen
STALL = 12.0
WRITERS = 2


class Service:
    """A restartable ``oar-ledger`` background process (relay or projector), logged to a file."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.args, self.env, self.cwd, self.log = args, env, cwd, log
        self.process = None
        self.starts = 0

    def start(self) -> None:
        import subprocess

        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                oar_ledger_command() + self.args, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.starts += 1

    def alive(self) -> None:
        assert self.process.poll() is None, f"{self.args} exited {self.process.returncode}:\n{self.log.read_text()[-3000:]}"

    def kill(self) -> None:
        self.alive()
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(10) == -signal.SIGKILL

    def terminate(self, within: float = 10.0) -> None:
        self.alive()
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(within) == 0, self.log.read_text()[-3000:]

    def stop_quietly(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def write_years(settings, name: str, until: float, stop: threading.Event, failures: list, years: list) -> None:
    """One writer (its own ledger, as another process would have): demo years until ``until``."""
    clock = SimulatedClock(datetime(2025, 1, 6, 9, tzinfo=UTC))
    try:
        with open_ledger(settings, clock) as ledger:
            while time.monotonic() < until and not stop.is_set():
                suffix = f"{name}{len(years):03d}"
                run_year(PacedRun(app=ledger.app, clock=clock, suffix=suffix, pause=0.01))
                clock.set(datetime(2025, 1, 6, 9, tzinfo=UTC))
                years.append(suffix)
    except BaseException as error:  # noqa: BLE001 - reported by the test
        failures.append(error)


def stored_positions(ledger) -> list[int]:
    found, start = [], 1
    while batch := ledger.app.recorder.select_notifications(start, 5000):
        found += [n.id for n in batch]
        start = batch[-1].id + 1
    return found


def projected(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(audit_trail)).scalar()


def test_writers_kills_and_a_broker_stall_lose_nothing_and_verify_clean(
    postgres_settings, dev_broker, unique_topic, unique_group, tmp_path
):
    rng = random.Random(SEED)
    bootstrap, broker_pid = dev_broker.bootstrap_servers, dev_broker.pid
    settings = on_topic(postgres_settings, unique_topic, var_dir=tmp_path / "var", projector_group_id=unique_group)
    create_topics(settings, bootstrap)
    env = cli_env(settings, bootstrap) | {"OAR_PROJECTOR_GROUP_ID": unique_group,
                                          "OAR_CONSUMER_SESSION_TIMEOUT_MS": "2000",
                                          "OAR_CONSUMER_HEARTBEAT_INTERVAL_MS": "500",
                                          "OAR_CHECKPOINT_EVERY_EVENTS": "500"}  # fmt: skip
    keys = run_cli(["keys", "init"], settings, bootstrap, cwd=tmp_path)
    assert keys.returncode == 0, keys.stderr
    vkey = keys.stdout.strip()
    relay = Service(["relay", "--batch-size", "25"], env, tmp_path, tmp_path / "relay.log")
    projector = Service(["project"], env, tmp_path, tmp_path / "projector.log")

    with open_ledger(settings, SimulatedClock(datetime(2025, 1, 6, 9, tzinfo=UTC))) as ledger:
        acknowledged = lambda: RelayStateStore(ledger.engine, settings.ledger_topic).load().position  # noqa: E731
        failures: list = []
        years: list[list] = [[] for _ in range(WRITERS)]
        until, stop_writing = time.monotonic() + WRITING, threading.Event()
        writers = [threading.Thread(target=write_years, args=(settings, f"w{i}-", until, stop_writing, failures,
                                                              years[i]), daemon=True) for i in range(WRITERS)]  # fmt: skip
        try:
            relay.start()
            projector.start()
            for writer in writers:
                writer.start()
            # the faults, at seeded moments within the writing window
            time.sleep(rng.uniform(3, 6))
            relay.kill()
            wait_for_relay_lock(settings, ledger)
            relay.start()
            time.sleep(rng.uniform(2, 4))
            projector.kill()
            projector.start()
            time.sleep(rng.uniform(1, 3))
            os.kill(broker_pid, signal.SIGSTOP)
            try:
                time.sleep(STALL)
                relay.alive()
                projector.alive()
            finally:
                os.kill(broker_pid, signal.SIGCONT)
            time.sleep(rng.uniform(1, 3))
            relay.kill()
            projector.kill()
            wait_for_relay_lock(settings, ledger)
            relay.start()
            projector.start()
            for writer in writers:
                writer.join(WRITING + 30)
            assert not failures, failures
            assert not any(w.is_alive() for w in writers)

            written = stored_positions(ledger)
            assert len(written) > 500 and all(years), (len(written), years)
            wait_for(lambda: acknowledged() == written[-1], 60, "the relay to publish every event")
            engine = build_projection_engine(settings)
            try:
                wait_for(lambda: projected(engine) == len(written), 60, "the projector to apply every event", every=0.5)
            finally:
                engine.dispose()
            relay.terminate(within=5)
            projector.terminate(within=10)
        finally:
            stop_writing.set()
            for writer in writers:
                if writer.is_alive():
                    writer.join(30)
            relay.stop_quietly()
            projector.stop_quietly()
            os.kill(broker_pid, signal.SIGCONT)

    records = read_topic(bootstrap, unique_topic, lambda r: set(written) <= set(positions_of(r)), timeout=60)
    assert set(positions_of(records)) == set(written)  # published = written (duplicates allowed)

    verified = run_cli(["verify", "--key", vkey], settings, bootstrap, cwd=tmp_path, timeout=120)
    assert verified.returncode == 0, (verified.stdout, verified.stderr)
    assert "verified: no disagreement found" in verified.stdout
    assert f"{len(written)} row(s) of the projections' audit trail compared" in verified.stdout

    replayed = f"sqlite:///{tmp_path / 'replayed.sqlite'}"
    replay = run_cli(["replay", "--into", replayed], settings, bootstrap, cwd=tmp_path, timeout=120)
    assert replay.returncode == 0, (replay.stdout, replay.stderr)
    live = postgres_url_with_schema(str(settings.database_url), str(settings.database_schema))
    compared = run_cli(["projections", "compare", live, replayed], settings, bootstrap, cwd=tmp_path)
    assert compared.returncode == 0, (compared.stdout, compared.stderr)
    assert relay.starts == 3 and projector.starts == 3
