"""The projector holds the cyclic collector off for one batch, and gives it back."""

from __future__ import annotations

import gc
import threading

import pytest

from infra.collection import collection_deferred

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


def _make_cyclic_garbage() -> None:
    """A list that holds itself: freed only by the cyclic collector."""
    cycle: list = []
    cycle.append(cycle)


def test_cyclic_garbage_of_the_block_is_collected_afterwards() -> None:
    gc.enable()
    gc.collect()
    with collection_deferred():
        _make_cyclic_garbage()
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


def test_collect_young_collects_young_cyclic_garbage_while_deferred() -> None:
    from infra.collection import collect_young

    gc.enable()
    gc.collect()
    with collection_deferred():
        _make_cyclic_garbage()
        assert gc.get_count()[0] > 0
        collect_young()
        assert not gc.isenabled() and gc.collect() == 0  # nothing was left for a full collection


def test_the_verifier_checks_its_batches_with_the_collector_held_off(monkeypatch) -> None:
    from service.evidence import verify_store as module

    states: list[bool] = []
    monkeypatch.setattr(module, "_check_batch", lambda *_: states.append(gc.isenabled()))
    monkeypatch.setattr(module, "YOUNG_COLLECTION_BATCHES", 2)
    young: list[bool] = []
    monkeypatch.setattr(module, "collect_young", lambda: young.append(gc.isenabled()))
    monkeypatch.setattr(module, "ReadAhead", lambda *_: _Batches([["a"], ["b"], ["c"]]))
    monkeypatch.setattr(module, "notification_reader", lambda _: None)
    monkeypatch.setattr(module, "LeafStore", _NoLeaves)
    monkeypatch.setattr(module, "CheckpointStore", lambda _: _NoCheckpoints())
    gc.enable()
    module.verify_store(object(), object(), module.VerifyReport(), lambda _: None)
    assert states == [False, False, False] and young == [False] and gc.isenabled()


class _Batches(list):
    def __enter__(self):
        return iter(self)

    def __exit__(self, *_):
        return False


class _NoLeaves:
    def __init__(self, _engine) -> None:
        pass

    def scan_light(self):
        return iter(())

    def by_index(self, _index):
        return None


class _NoCheckpoints:
    def all(self):
        return []
