"""Pure pieces of the runtime guarantees: which Kafka errors are refusals for good (each one
stops the relay; none is skipped), and the stop signal that interrupts a blocking wait
(issue 15, items 1 and 2)."""

from __future__ import annotations

import os
import signal
import threading

import kafka.errors as errors
import pytest

from infra.kafka.refusals import reason, refuses_message
from service.stopping import StopRequested, StopSignals

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("error", [errors.MessageSizeTooLargeError("The message is 1234567 bytes"),
                                   errors.RecordListTooLargeError(), errors.InvalidRecordError(),
                                   errors.TopicAuthorizationFailedError(), errors.PolicyViolationError()])  # fmt: skip
def test_errors_about_the_message_stop_the_relay(error):
    assert refuses_message(error)


@pytest.mark.parametrize("error", [errors.KafkaTimeoutError(), errors.KafkaConnectionError(),
                                   errors.NotLeaderForPartitionError(), errors.UnknownProducerIdError(),
                                   errors.OutOfOrderSequenceNumberError(), errors.BrokerNotAvailableError(),
                                   errors.IllegalStateError(), ValueError("not Kafka")])  # fmt: skip
def test_outages_and_producer_session_errors_are_retried(error):
    assert not refuses_message(error)


def test_the_reason_names_the_error_and_its_text():
    assert reason(errors.MessageSizeTooLargeError("The message is 5 bytes")).endswith(
        "MessageSizeTooLargeError: The message is 5 bytes")
    assert reason(TimeoutError("no answer")) == "TimeoutError: no answer"
    assert reason(errors.KafkaTimeoutError()) == "KafkaTimeoutError"


def test_sigterm_interrupts_a_blocking_wait_and_a_second_signal_is_ignored():
    blocked = threading.Event()  # never set: stands for a wait on a stalled broker
    with StopSignals(interrupt=True) as stop:
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
        with pytest.raises(StopRequested):
            blocked.wait(10)
        assert stop.is_set() and stop.received == "SIGTERM"
        os.kill(os.getpid(), signal.SIGINT)  # ignored: the first stop is under way
    assert signal.getsignal(signal.SIGTERM) is not stop._on_signal  # handlers restored


def test_without_interrupt_a_signal_only_sets_the_event():
    with StopSignals() as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(1) and stop.received == "SIGTERM"
