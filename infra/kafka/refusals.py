"""Which Kafka errors mean "the broker will never take this message" rather than "the
broker is not available right now".

A refused message (too large, invalid, not authorised, against a topic policy) is the
same on every retry, so it is never retried forever behind an "unavailable" message: the
relay records the refusal and stops, naming the position and the reason. It never skips the
message (a later event of its group would arrive with a version gap): once the operator
removed the cause (e.g. raised the topic's ``max.message.bytes``), the next start sends it
again. Everything retriable, and the non-retriable errors that concern the connection or
the idempotent producer's session (a restarted broker forgets producer ids: the relay's
data-loss check handles that), is an outage: retried with backoff.
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


def reason(error: BaseException) -> str:
    """The error's class and text, e.g. ``MessageSizeTooLargeError: The message is ...``
    (broker errors already start with ``[Error N] <class>``)."""
    text, name = str(error).strip(), type(error).__name__
    if name in text:
        return text
    return f"{name}: {text}" if text else name
