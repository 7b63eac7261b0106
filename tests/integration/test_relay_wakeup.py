"""The relay's wake-up (infra/store/wakeup.py): a follower idling with a long timeout is woken
as soon as another connection stores an event, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from bootstrap import build_ledger, build_wakeup
from domain import commands as c
from domain.actors import Actor

pytestmark = pytest.mark.integration

REQUEST = c.RequestGroup(actor=Actor(id="m-1", role="member"), group="wake-up", name="Wake-up", group_type="other",
                         managed_by="alumni", visibility="public", objectives="Wake the relay",
                         proposed_managers=("m-1", "m-2"))  # fmt: skip


def test_a_stored_event_wakes_the_idle_follower_long_before_its_timeout(settings, clock) -> None:
    writer, follower = build_ledger(settings, clock), build_ledger(settings, clock)
    wakeup = build_wakeup(follower)
    stop = threading.Event()
    try:
        started = time.monotonic()
        wakeup.wait(stop, 0.3)  # nothing stored: waits out its timeout (and starts listening)
        assert time.monotonic() - started >= 0.25
        timer = threading.Timer(0.2, lambda: writer.app.execute(REQUEST))
        timer.start()
        started = time.monotonic()
        wakeup.wait(stop, 10.0)
        woken_after = time.monotonic() - started
        timer.join()
        assert 0.15 < woken_after < 2.0, woken_after  # woken by the write, not the 10 s timeout
    finally:
        wakeup.close()
        writer.close()
        follower.close()


def test_setting_stop_ends_the_wait(settings, clock) -> None:
    ledger = build_ledger(settings, clock)
    wakeup = build_wakeup(ledger)
    stop = threading.Event()
    try:
        threading.Timer(0.2, stop.set).start()
        started = time.monotonic()
        wakeup.wait(stop, 10.0)
        assert time.monotonic() - started < 2.0
    finally:
        wakeup.close()
        ledger.close()
