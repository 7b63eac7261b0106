"""A broker outage without data loss: commands keep being stored while the broker does not
answer (its process paused with SIGSTOP), and the following relay catches up afterwards."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

import pytest
from test_relay_support import (
    check_ledger_order,
    count_at_least,
    create_topics,
    on_topic,
    open_ledger,
    play_demo_year,
    positions_of,
    read_topic,
    stored_count,
    wait_for,
)

from bootstrap import build_relay

pytestmark = pytest.mark.integration

PAUSE = 4.0  # below the producer's request timeout (10 s): the broker answers late, not never


def test_relay_catches_up_after_the_broker_stops_answering(
    settings, clock, dev_broker, unique_topic, caplog
):
    caplog.set_level(logging.WARNING, logger="oar.relay")
    settings = on_topic(settings, unique_topic)
    bootstrap = dev_broker.bootstrap_servers
    create_topics(settings, bootstrap)
    with open_ledger(settings, clock) as ledger:
        relay = build_relay(ledger, bootstrap, batch_size=20)
        stop = threading.Event()
        failures: list[BaseException] = []

        def follow() -> None:
            try:
                relay.follow(stop, idle_wait=0.1, max_backoff=2.0)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                failures.append(error)

        thread = threading.Thread(target=follow, name="relay-follow", daemon=True)
        play_demo_year(ledger, clock, "out1")
        before = stored_count(ledger)
        thread.start()
        try:
            wait_for(lambda: relay.pending() == 0, 15, "the relay to publish the first year")
            assert relay.state.load().position == before

            pid = dev_broker.pid
            assert pid is not None
            os.kill(pid, signal.SIGSTOP)
            try:
                play_demo_year(ledger, clock, "out2")  # the ledger does not need the broker
                play_demo_year(ledger, clock, "out3")
                stored = stored_count(ledger)
                assert stored > before
                time.sleep(PAUSE)
                # nothing acknowledged while the broker is paused: all still pending
                assert relay.pending() == stored - before
                assert relay.state.load().position == before
            finally:
                os.kill(pid, signal.SIGCONT)

            wait_for(lambda: relay.pending() == 0, 20, "the relay to catch up after the outage")
            assert relay.state.load().position == stored
            assert not failures and thread.is_alive()
        finally:
            stop.set()
            thread.join(15)
        assert not thread.is_alive(), "the relay did not stop"
        assert not failures, failures

    records = read_topic(bootstrap, unique_topic, count_at_least(stored))
    # no crash, so no duplicate: exactly the stored events, in ledger order per group
    assert len(records) == stored
    assert sorted(positions_of(records)) == list(range(1, stored + 1))
    check_ledger_order(records, stored)
    warnings = [r.getMessage() for r in caplog.records if r.name == "oar.relay"]
    # a pause shorter than the request timeout may go unnoticed; a warning must say how much waits
    assert all("waiting" in w for w in warnings), warnings
