"""The projector holds the cyclic collector off for one batch, and gives it back."""

from __future__ import annotations

import gc
import threading

import pytest

from consumers.collection import collection_deferred

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _collector_restored():
    was_enabled = gc.isenabled()
    yield
    (gc.enable if was_enabled else gc.disable)()


def test_no_collection_inside_then_enabled_again() -> None:
    gc.enable()
    with collection_deferred():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_enabled_again_after_an_error() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collection_deferred():
        raise RuntimeError("batch failed")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    with collection_deferred():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_pauses_restore_the_outer_state() -> None:
    gc.enable()
    with collection_deferred():
        with collection_deferred():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_cyclic_garbage_of_the_block_is_collected_afterwards() -> None:
    gc.enable()
    gc.collect()
    with collection_deferred():
        cycle: list = []
        cycle.append(cycle)
        del cycle
    assert gc.collect() >= 1


def test_the_projector_reads_and_applies_a_poll_with_the_collector_held_off() -> None:
    from consumers.projector import Projector

    seen: list[tuple[str, bool]] = []

    class OnePoll:
        def poll(self, **_: object) -> dict:
            seen.append(("poll", gc.isenabled()))
            return {"tp": ["record"]}

    projector = Projector.__new__(Projector)
    projector.consumer, projector.applied = OnePoll(), 0
    projector._attach = lambda: None
    projector._apply = lambda tp, records: seen.append(("apply", gc.isenabled()))
    projector._caught_up = lambda: True
    gc.enable()
    projector.run(threading.Event(), once=True)
    assert seen == [("poll", False), ("apply", False)]
    assert gc.isenabled()
