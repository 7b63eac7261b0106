"""The relay's acknowledgement of a batch (service/relay.py), with stand-in futures and an
in-memory state: one deadline per batch, any refusal for good (too large included) recorded
and stopping the relay with nothing after it recorded or sent, a refusal resolved once its
event is acknowledged, and a stalled broker recording only what was acknowledged."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import SimpleNamespace

import kafka.errors as errors
import pytest

from infra.kafka.relay_state import Refusal, RelayProgress
from service.relay import MessageRefused, Relay

pytestmark = pytest.mark.unit


class State:
    def __init__(self) -> None:
        self.saved: list[int] = []
        self.recorded: list[Refusal] = []
        self.resolved: list[int] = []

    def save(self, progress: RelayProgress) -> None:
        self.saved.append(progress.position)

    def record_refusal(self, position: int, group_id: str, error: str) -> Refusal:
        refusal = Refusal(position, group_id, error, datetime.now(UTC))
        self.recorded.append(refusal)
        return refusal

    def resolve_refusal(self, position: int) -> None:
        self.resolved.append(position)


class Producer:
    """Refuses at ``send`` (as kafka-python does above ``max_request_size``) the positions in
    ``too_large``; records what was sent."""

    def __init__(self, too_large: set[int]) -> None:
        self.too_large, self.sent = too_large, []

    def send(self, topic: str, key: bytes, value: bytes, headers: list) -> Future:
        position = int(value)
        if position in self.too_large:
            raise errors.MessageSizeTooLargeError(f"The message is {2**20 + 1} bytes")
        self.sent.append(position)
        return Future(0, position)


class Future:
    def __init__(self, partition: int = 0, offset: int = 0, error: Exception | None = None, delay: float = 0) -> None:
        self.metadata, self.error, self.delay = SimpleNamespace(partition=partition, offset=offset), error, delay
        self.timeouts: list[float] = []

    def get(self, timeout: float):
        self.timeouts.append(timeout)
        if self.delay > timeout:
            time.sleep(timeout)
            raise errors.KafkaTimeoutError("no acknowledgement")
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.metadata


def relay(ack_timeout: float = 5.0) -> tuple[Relay, State]:
    state = State()
    return Relay(None, state, {}, None, ack_timeout=ack_timeout), state  # type: ignore[arg-type]


def test_a_batch_is_recorded_up_to_its_last_message():
    r, state = relay()
    progress = RelayProgress(cluster_id="c")
    r._acknowledge([(1, b"g", Future(0, 10)), (2, b"g", Future(0, 11))], progress, None, 0)
    assert state.saved == [2] and progress.partitions == {0: (11, 2)}


def test_a_retried_batch_without_an_offset_keeps_the_last_known_one():
    """An idempotent producer's retried batch that the broker already had is acknowledged with
    offset -1 (seen after a broker stall): the position is published, but -1 names no message,
    so the data-loss check keeps the last real offset (it crashed on -1 before)."""
    r, state = relay()
    progress = RelayProgress(cluster_id="c")
    r._acknowledge([(1, b"g", Future(0, 10)), (2, b"g", Future(0, -1))], progress, None, 0)
    assert state.saved == [2] and progress.partitions == {0: (10, 1)}


def test_a_message_too_large_stops_the_relay_after_recording_what_came_before():
    """Refused by the broker: recorded as a refusal, the relay stops on it. Later messages of
    the batch are neither recorded as published nor counted (they are sent again next time)."""
    r, state = relay()
    progress = RelayProgress(cluster_id="c")
    too_large = errors.MessageSizeTooLargeError("The message is 1202985 bytes")
    with pytest.raises(MessageRefused) as stopped:
        r._acknowledge([(1, b"g1", Future(0, 10)), (2, b"g2", Future(error=too_large)), (3, b"g1", Future(0, 11))],
                       progress, None, 0)  # fmt: skip
    assert (stopped.value.position, stopped.value.group_id) == (2, "g2")
    assert "MessageSizeTooLargeError" in stopped.value.reason
    assert state.saved == [1] and progress.partitions == {0: (10, 1)}  # position 3 not recorded
    assert [(f.position, f.group_id) for f in state.recorded] == [(2, "g2")]
    assert "MessageSizeTooLargeError" in state.recorded[0].error


def test_a_message_refused_before_it_is_sent_stops_the_sending():
    """kafka-python refuses a message above ``max_request_size`` in ``send``: nothing after it
    is handed to the producer."""
    r, state = relay()
    producer = Producer(too_large={2})
    r._producer = producer  # type: ignore[assignment]
    r.spec = SimpleNamespace(name="t")  # type: ignore[assignment]
    pending = r._send([(p, b"g", str(p).encode(), []) for p in (1, 2, 3)])
    assert producer.sent == [1] and [p for p, _, _ in pending] == [1, 2]
    with pytest.raises(MessageRefused):
        r._acknowledge(pending, RelayProgress(cluster_id="c"), None, 0)
    assert state.saved == [1] and [f.position for f in state.recorded] == [2]


def test_a_refusal_of_another_kind_stops_the_relay_after_recording_what_came_before():
    r, state = relay()
    progress = RelayProgress(cluster_id="c")
    with pytest.raises(MessageRefused) as stopped:
        r._acknowledge([(1, b"g", Future(0, 10)), (2, b"g", Future(error=errors.TopicAuthorizationFailedError())),
                        (3, b"g", Future(0, 11))], progress, None, 0)
    assert stopped.value.position == 2 and stopped.value.group_id == "g"
    assert state.saved == [1] and [f.position for f in state.recorded] == [2]


def test_a_message_refused_before_is_resolved_once_acknowledged():
    r, state = relay()
    r._unresolved = {2}
    progress = RelayProgress(cluster_id="c")
    assert r._acknowledge([(1, b"g", Future(0, 10)), (2, b"g", Future(0, 11)), (3, b"g", Future(0, 12))],
                          progress, None, 0) == 3  # fmt: skip
    assert state.resolved == [2] and state.saved == [3] and r._unresolved == set()


def test_one_deadline_for_the_whole_batch():
    """A slow broker: each acknowledgement takes 0.2 s, each within a 0.5 s timeout, but the
    batch has one deadline of 0.5 s: the third one is not waited for, and what was
    acknowledged before is recorded."""
    r, state = relay(ack_timeout=0.5)
    progress = RelayProgress(cluster_id="c")
    futures = [Future(0, i, delay=0.2) for i in range(5)]
    started = time.monotonic()
    with pytest.raises(errors.KafkaTimeoutError):
        r._acknowledge([(i + 1, b"g", f) for i, f in enumerate(futures)], progress, None, 0)
    assert time.monotonic() - started < 0.8  # not 0.5 s per message
    assert state.saved == [2] and futures[2].timeouts[0] < 0.2
