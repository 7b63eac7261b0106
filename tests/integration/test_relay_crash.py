"""The relay killed (SIGKILL) at random moments while commands keep arriving: after each
restart it resumes from the last acknowledged batch, so the topic ends up with every
position, each group in ledger order; duplicates are allowed only across a crash."""

from __future__ import annotations

import random
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from test_relay_support import (
    PacedRun,
    check_ledger_order,
    covers,
    create_topics,
    on_topic,
    open_ledger,
    positions_of,
    read_topic,
    run_cli,
    start_cli,
    stored_count,
    wait_for,
    wait_for_relay_lock,
)

from entrypoints.demo.year import run_year
from infra.kafka.relay_state import RelayStateStore

pytestmark = pytest.mark.integration

KILLS = 5
SEED = 20250106


def wait_until_publishing(log: Path, starts: int, process, timeout: float = 15) -> None:
    """Until the ``starts``-th relay process logged that it follows the topic."""

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the relay exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        return log.read_text().count("relay publishing to") >= starts

    wait_for(ready, timeout, "the relay to start publishing")


def test_relay_killed_at_random_moments_loses_nothing_and_keeps_group_order(
    settings, clock, dev_broker, unique_topic, tmp_path
):
    rng = random.Random(SEED)
    settings = on_topic(settings, unique_topic, var_dir=tmp_path / "var")
    bootstrap = dev_broker.bootstrap_servers
    create_topics(settings, bootstrap)
    log = tmp_path / "relay.log"
    log.touch()

    with open_ledger(settings, clock) as ledger:
        stop_writing = threading.Event()
        years: list[str] = []
        failures: list[BaseException] = []

        def write() -> None:
            """Demo years one after the other, a command every few milliseconds."""
            try:
                while not stop_writing.is_set():
                    suffix = f"k{len(years):03d}"
                    run_year(PacedRun(app=ledger.app, clock=clock, suffix=suffix, pause=0.004))
                    years.append(suffix)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                failures.append(error)

        writer = threading.Thread(target=write, name="commands", daemon=True)
        writer.start()
        kills: list[tuple[int, int, int]] = []  # (stored, acknowledged, batch size) at each kill
        relay = None
        try:
            for attempt in range(1, KILLS + 1):
                wait_for_relay_lock(settings, ledger)
                # small batches, of varying size: kills land inside and between batches
                batch = rng.choice((3, 7, 11, 25))
                relay = start_cli(["relay", "--batch-size", str(batch)], settings, bootstrap, tmp_path, log)
                wait_until_publishing(log, attempt, relay)
                time.sleep(rng.uniform(0.05, 1.2))
                assert relay.poll() is None, log.read_text()[-3000:]
                relay.send_signal(signal.SIGKILL)
                assert relay.wait(10) == -signal.SIGKILL
                kills.append((stored_count(ledger), _acknowledged(ledger, settings), batch))
        finally:
            stop_writing.set()
            if relay is not None and relay.poll() is None:
                relay.kill()
                relay.wait(10)
            writer.join(30)
        assert not writer.is_alive() and not failures, failures
        stored = stored_count(ledger)
        # the relays did publish between the kills, and commands kept arriving after them
        assert kills[-1][1] > 0 and stored > kills[-1][0] >= kills[0][0]

        wait_for_relay_lock(settings, ledger)
        final = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path)
        assert final.returncode == 0, (final.stdout, final.stderr, log.read_text()[-3000:])
        assert _acknowledged(ledger, settings) == stored

    records = read_topic(bootstrap, unique_topic, covers(stored), timeout=60)
    positions = positions_of(records)
    assert set(positions) == set(range(1, stored + 1))  # every position, no gap
    check_ledger_order(records, stored)  # after dedup by position: per-group ledger order
    # Duplicates only around kill points: a relay sends one batch, waits for the broker's
    # acknowledgement, then records it; killed in between, its successor sends that batch
    # again. So a copy too many of position p needs a kill whose recorded position was below
    # p by at most one batch, and there is at most one extra copy per such kill.
    copies = Counter(positions)
    for position, count in copies.items():
        windows = [k for k in kills if k[1] < position <= k[1] + k[2]]
        assert count <= 1 + len(windows), (position, count, kills)


def _acknowledged(ledger, settings) -> int:
    """The position the relays recorded as acknowledged by the broker."""
    return RelayStateStore(ledger.engine, settings.ledger_topic).load().position
