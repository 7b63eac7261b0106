"""Which Kafka errors mean "the broker will never take this message" rather than "the
broker is not available right now".

A refused message (too large, invalid, not authorised, against a topic policy) is the
same on every retry, so it is never retried forever behind an "unavailable" message.
A message refused as **too large** concerns that one event only: the relay records the
refusal and skips it, so later events flow (``skippable``). Any other refusal (not
authorised, a topic policy) would refuse every event: the relay stops and says why. Everything retriable, and the
non-retriable errors that concern the connection or the idempotent producer's session
(a restarted broker forgets producer ids: the relay's data-loss check handles that),
is an outage: retried with backoff.
"""

from __future__ import annotations

import kafka.errors as errors

NOT_ABOUT_THE_MESSAGE: tuple[type[errors.KafkaError], ...] = (
    errors.BrokerNotAvailableError,
    errors.IllegalStateError,  # e.g. the producer was closed under the send
    errors.UnknownError,
    errors.UnknownProducerIdError,
    errors.OutOfOrderSequenceNumberError,
    errors.DuplicateSequenceNumberError,
    errors.InvalidProducerEpochError,
    errors.InvalidProducerIdMappingError,
    errors.ProducerFencedError,
    errors.UnrecognizedBrokerVersion,
)


def refuses_message(error: BaseException) -> bool:
    """True if ``error``, raised for one message, will be raised for it on every attempt."""
    if not isinstance(error, errors.KafkaError) or error.retriable:
        return False
    return not isinstance(error, NOT_ABOUT_THE_MESSAGE)


TOO_LARGE: tuple[type[errors.KafkaError], ...] = (
    errors.MessageSizeTooLargeError,  # larger than the producer's max_request_size or the topic's limit
    errors.RecordListTooLargeError,
)


def skippable(error: BaseException) -> bool:
    """True if ``error`` refuses this one message for good (too large): record it, go on."""
    return isinstance(error, TOO_LARGE) and refuses_message(error)


def reason(error: BaseException) -> str:
    """The error's class and text, e.g. ``MessageSizeTooLargeError: The message is ...``
    (broker errors already start with ``[Error N] <class>``)."""
    text, name = str(error).strip(), type(error).__name__
    if name in text:
        return text
    return f"{name}: {text}" if text else name
