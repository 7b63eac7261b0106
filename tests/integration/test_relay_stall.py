"""A broker that stalls (its process paused with SIGSTOP) under a following relay.

The relay must notice (bounded Kafka timeouts), log how many events wait, retry with
backoff, catch up once the broker answers again, and stop on SIGTERM within seconds —
also while it is blocked waiting for the stalled broker — releasing its lock.
Issue 15, item 1: before, a stall of 40 s or more left the relay in ``producer.flush()``
for good, deaf to SIGTERM and holding its lock.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from test_relay_support import (
    check_ledger_order,
    covers,
    create_topics,
    on_topic,
    open_ledger,
    play_demo_year,
    positions_of,
    read_topic,
    start_cli,
    stored_count,
    wait_for,
    wait_for_relay_lock,
)

from infra.kafka.relay_state import RelayStateStore

pytestmark = [pytest.mark.integration, pytest.mark.chaos]

STALL = 60.0  # longer than every Kafka timeout of the relay (request 10 s, acknowledgement 30 s)
STOP_WITHIN = 5.0


def acknowledged(ledger, settings) -> int:
    return RelayStateStore(ledger.engine, settings.ledger_topic).load().position


def alive(relay, log: Path) -> None:
    assert relay.poll() is None, f"the relay exited with {relay.returncode}:\n{log.read_text()[-3000:]}"


def stop_within(relay, seconds: float) -> float:
    """SIGTERM the relay; how long it took to exit (fails if it did not exit 0 in time)."""
    started = time.monotonic()
    relay.send_signal(signal.SIGTERM)
    code = relay.wait(seconds + 5)  # generous wait, strict assertion below
    took = time.monotonic() - started
    assert code == 0, f"the relay exited with {code}"
    assert took <= seconds, f"the relay took {took:.1f}s to stop on SIGTERM"
    return took


def test_relay_survives_a_60s_broker_stall_then_stops_on_sigterm(
    sqlite_settings, clock, dev_broker, unique_topic, tmp_path
):
    settings = on_topic(sqlite_settings, unique_topic)
    bootstrap, pid = dev_broker.bootstrap_servers, dev_broker.pid
    create_topics(settings, bootstrap)
    log = tmp_path / "relay.log"
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "st00")
        relay = start_cli(["relay", "--batch-size", "50"], settings, bootstrap, tmp_path, log)
        try:
            wait_for(lambda: acknowledged(ledger, settings) == stored_count(ledger), 30, "the first year published")
            before = stored_count(ledger)
            os.kill(pid, signal.SIGSTOP)
            try:
                ends, year = time.monotonic() + STALL, 1
                while time.monotonic() < ends:  # commands keep arriving during the stall
                    play_demo_year(ledger, clock, f"st{year:02d}")
                    year += 1
                    time.sleep(min(5.0, max(0.0, ends - time.monotonic())))
                alive(relay, log)
                assert acknowledged(ledger, settings) == before  # nothing acknowledged while stalled
            finally:
                os.kill(pid, signal.SIGCONT)
            stored = stored_count(ledger)
            backlog = [int(n) for n in re.findall(r"(\d+) event\(s\) waiting", log.read_text())]
            assert backlog and max(backlog) > 0, f"no stall logged with its backlog:\n{log.read_text()[-3000:]}"

            wait_for(lambda: acknowledged(ledger, settings) == stored, 60, "the relay to catch up after the stall")
            alive(relay, log)
            stop_within(relay, STOP_WITHIN)
        finally:
            if relay.poll() is None:
                relay.kill()
                relay.wait(10)
        wait_for_relay_lock(settings, ledger, timeout=1)

    records = read_topic(bootstrap, unique_topic, covers(stored), timeout=60)
    assert set(positions_of(records)) == set(range(1, stored + 1))  # nothing lost
    check_ledger_order(records, stored)


def test_relay_stops_on_sigterm_while_blocked_on_a_stalled_broker_and_a_new_one_waits_for_it(
    sqlite_settings, clock, dev_broker, unique_topic, tmp_path
):
    settings = on_topic(sqlite_settings, unique_topic)
    bootstrap, pid = dev_broker.bootstrap_servers, dev_broker.pid
    create_topics(settings, bootstrap)
    log = tmp_path / "relay.log"
    with open_ledger(settings, clock) as ledger:
        first = start_cli(["relay", "--batch-size", "20"], settings, bootstrap, tmp_path, log)
        second = None
        try:
            wait_for(lambda: "relay publishing to" in log.read_text(), 20, "the relay to start")
            os.kill(pid, signal.SIGSTOP)
            try:
                play_demo_year(ledger, clock, "blk")  # the relay sends, then waits for acknowledgements
                time.sleep(3.0)
                alive(first, log)
                stop_within(first, STOP_WITHIN)
                wait_for_relay_lock(settings, ledger, timeout=1)  # released, broker still stalled
                # a relay started while the broker is stalled waits for it instead of exiting
                second = start_cli(["relay", "--batch-size", "20"], settings, bootstrap, tmp_path, log,
                                   OAR_KAFKA_CONNECT_TIMEOUT_MS="2000")  # fmt: skip
                time.sleep(4.0)  # twice its connect timeout
                alive(second, log)
            finally:
                os.kill(pid, signal.SIGCONT)
            stored = stored_count(ledger)
            wait_for(lambda: acknowledged(ledger, settings) == stored, 60, "the new relay to publish everything")
            stop_within(second, STOP_WITHIN)
        finally:
            for relay in (first, second):
                if relay is not None and relay.poll() is None:
                    relay.kill()
                    relay.wait(10)
    records = read_topic(bootstrap, unique_topic, covers(stored), timeout=30)
    assert set(positions_of(records)) == set(range(1, stored + 1))
