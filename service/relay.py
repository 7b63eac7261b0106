"""The relay (transactional outbox): publishes every stored event, in order, to Kafka.

It reads the event store's notification log from its last recorded position,
sends each event with an idempotent ``acks=all`` producer, and records the new
position only after the broker acknowledged the whole batch. So after a crash it
resumes where the broker last confirmed: a batch may be sent twice across a crash
(consumers deduplicate by ``ce_id`` / ``ledger_position``), but nothing is skipped
and one group's events are never reordered (one key, one partition).

Every wait on the broker is bounded (``kafka_*_timeout`` settings): a batch not
acknowledged in time means a stalled broker, handled like an outage (logged with the
backlog, producer rebuilt, retried with backoff). A message the broker refuses for
good (``infra.kafka.refusals``: too large, not authorised, a topic policy) is recorded as a
refusal and stops the relay with :class:`MessageRefused` — ``--once`` and follow mode alike.
It is never skipped (its group's later events would arrive with a version gap): everything
before it is published and recorded, nothing after it is sent, and the next start sends it
again; once the broker takes it, its refusal is marked resolved.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from eventsourcing.utils import resolve_topic
from kafka import KafkaProducer
from kafka.errors import KafkaError

from infra.kafka.config import close_producer, producer_config
from infra.observability.metrics import EVENTS_PUBLISHED, EVENTS_REFUSED
from infra.kafka.envelope import encode_stored
from infra.kafka.refusals import reason, refuses_message
from infra.kafka.relay_state import RelayProgress, RelayStateStore
from infra.kafka.topics import TopicAdminError, TopicSpec
from infra.store.notifications import notification_reader
from infra.store.wakeup import Wakeup
from service.read_ahead import Encoded, ReadAhead
from service.relay_checks import BrokerDataLoss, MessageRefused, RelayError, check_broker, cluster_id

__all__ = ["BrokerDataLoss", "MessageRefused", "Relay", "RelayError"]

log = logging.getLogger("oar.relay")


@cache
def _event_name(topic: str) -> str:
    """The event class name of a stored topic (the version is in each stored state)."""
    return resolve_topic(topic).__name__


def _encode(n: Any) -> Encoded:
    return (n.id, *encode_stored(_event_name(n.topic), n.originator_id, n.originator_version, n.state, n.id))


Pending = tuple[int, bytes, Any]
"""(ledger position, key, the send's future or the error refusing it)."""


class Relay:
    def __init__(self, recorder: Any, state: RelayStateStore, client: dict[str, Any], spec: TopicSpec,
                 batch_size: int = 1000, wakeup: Wakeup | None = None, ack_timeout: float = 30.0,
                 max_message_bytes: int = 1_048_576) -> None:  # fmt: skip
        self.recorder, self.state, self.client, self.spec = recorder, state, client, spec
        self.batch_size, self.ack_timeout, self.max_message_bytes = batch_size, ack_timeout, max_message_bytes
        self.wakeup = wakeup  # when idle: woken as soon as events are stored (else a plain sleep)
        self._unresolved: set[int] = set()  # positions refused before: resolved once acknowledged
        self._producer: KafkaProducer | None = None

    # -- checks (service/relay_checks.py) -------------------------------------------

    def check(self) -> RelayProgress:
        """Compare what the broker holds with what it acknowledged before."""
        return check_broker(self.client, self.spec, self.state.load())

    def republish(self) -> None:
        """Forget what was published: the next drain sends every event again."""
        self.state.save(RelayProgress(cluster_id=cluster_id(self.client)))

    # -- publishing ----------------------------------------------------------------

    def drain(self, on_batch: Callable[[int, int], None] | None = None) -> int:
        """Publish every event not yet acknowledged; return how many were sent and
        acknowledged. Raises :class:`MessageRefused` on an event the broker refuses for good.

        Batches are read and encoded ahead in a thread (``ReadAhead``) while this one
        sends, and batch N is acknowledged (its position recorded) after batch N+1 was
        handed to the producer, so the producer never waits for the reading or for the
        acknowledgement barrier. A position is still recorded only once every event up
        to it was acknowledged."""
        progress = self.state.load()
        progress.cluster_id = progress.cluster_id or cluster_id(self.client)
        self._unresolved = {r.position for r in self.state.refusals(unresolved=True)}  # sent again
        sent, unacknowledged = 0, None
        with ReadAhead(notification_reader(self.recorder), _encode, progress.position, self.batch_size) as batches:
            for batch in batches:
                pending = self._send(batch)
                if unacknowledged is not None:
                    sent += self._acknowledge(unacknowledged, progress, on_batch, sent)
                unacknowledged = pending
                if _stops(pending):
                    break  # refused before it was sent: send nothing after it
        if unacknowledged is not None:
            sent += self._acknowledge(unacknowledged, progress, on_batch, sent)
        return sent

    def _send(self, batch: list[Encoded]) -> list[Pending]:
        producer, topic = self._get_producer(), self.spec.name
        pending: list[Pending] = []
        for position, key, value, headers in batch:
            try:
                pending.append((position, key, producer.send(topic, key=key, value=value, headers=headers)))
            except KafkaError as error:  # e.g. larger than the producer's max_request_size
                if not refuses_message(error):
                    raise
                pending.append((position, key, error))
                break  # nothing after a refused message is sent
        return pending

    def _acknowledge(self, pending: list[Pending], progress: RelayProgress,
                     on_batch: Callable[[int, int], None] | None, sent: int) -> int:  # fmt: skip
        """Wait for the batch's acknowledgements under one deadline, then record how far
        they go: to the end, or to the message before the first one refused for good (its
        refusal recorded, :class:`MessageRefused` raised) or not acknowledged in time (a
        stalled broker). A message refused before and now acknowledged resolves its refusal."""
        deadline = time.monotonic() + self.ack_timeout
        done = None
        try:
            for position, key, outcome in pending:
                if isinstance(outcome, BaseException):
                    error = outcome
                else:
                    try:  # KafkaTimeoutError once the deadline passes: a stalled broker
                        metadata = outcome.get(timeout=max(0.001, deadline - time.monotonic()))
                        if metadata.offset >= 0:  # -1: a retried batch the broker already had (no offset given)
                            progress.partitions[metadata.partition] = (metadata.offset, position)
                        EVENTS_PUBLISHED.inc()
                        if position in self._unresolved:
                            self._resolve(position)
                        done = position
                        continue
                    except KafkaError as failed:
                        error = failed
                if refuses_message(error):
                    raise self._refuse(position, key, error) from None
                raise error
        finally:
            if done is not None:
                progress.position = done
                self.state.save(progress)  # only now: everything up to here is acknowledged
        if on_batch:
            on_batch(sent + len(pending), progress.position)
        return len(pending)

    def _refuse(self, position: int, key: bytes, error: BaseException) -> MessageRefused:
        """Record and log the refusal; the error that stops the relay."""
        refusal = self.state.record_refusal(position, _group(key), reason(error))
        EVENTS_REFUSED.inc()
        log.error("%s; the relay stops: everything before it is published, nothing after it is sent. "
                  "Remove the cause (too large: raise the topic's max.message.bytes and "
                  "OAR_KAFKA_MAX_MESSAGE_BYTES, README Reliability) and start it again: it sends this "
                  "event again", refusal.describe())  # fmt: skip
        return MessageRefused(position, _group(key), error)

    def _resolve(self, position: int) -> None:
        self.state.resolve_refusal(position)
        self._unresolved.discard(position)
        log.info("the event at ledger position %d, refused before, is now published; its refusal is resolved",
                 position)  # fmt: skip

    def follow(self, stop: threading.Event, idle_wait: float = 0.5, max_backoff: float = 30.0,
               after_drain: Callable[[], None] | None = None) -> None:  # fmt: skip
        """Publish until ``stop`` is set, surviving broker outages and stalls with backoff.
        ``after_drain`` (e.g. the checkpointer) runs after every pass. A message refused
        for good stops it (:class:`MessageRefused`), as in ``drain``."""
        delay, checked = 1.0, False
        while not stop.is_set():
            try:
                if not checked:
                    self.check()
                    checked = True
                sent = self.drain()
                if after_drain is not None:
                    after_drain()
                if sent == 0:
                    self._idle(stop, idle_wait)
                delay = 1.0
            except (KafkaError, TopicAdminError) as outage:  # admin calls wrap KafkaError
                waiting = self.pending()
                log.warning("broker unavailable or stalled (%s); %d event(s) waiting; retrying in %.0fs",
                            reason(outage), waiting, delay)  # fmt: skip
                self.drop_producer(timeout=0)  # unacknowledged batches are sent again by a new one
                checked = False  # after an outage, make sure the broker kept its data
                stop.wait(delay)
                delay = min(delay * 2, max_backoff)

    def pending(self) -> int:
        """How many stored events are not yet acknowledged by the broker."""
        return max(0, (self.recorder.max_notification_id() or 0) - self.state.load().position)

    def _idle(self, stop: threading.Event, seconds: float) -> None:
        if self.wakeup is None:
            stop.wait(seconds)
        else:
            self.wakeup.wait(stop, seconds)

    def drop_producer(self, timeout: float = 5.0) -> None:
        """Close the producer within ``timeout`` seconds (unacknowledged messages dropped);
        the next send builds a new one. The wake-up is kept."""
        if self._producer is not None:
            producer, self._producer = self._producer, None
            close_producer(producer, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Close the wake-up and the producer (within ``timeout`` seconds)."""
        if self.wakeup is not None:
            wakeup, self.wakeup = self.wakeup, None
            wakeup.close()
        self.drop_producer(timeout)

    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = KafkaProducer(**producer_config(self.client, self.ack_timeout),
                                           max_request_size=self.max_message_bytes)  # fmt: skip
        return self._producer


def _group(key: bytes) -> str:
    return (key or b"").decode(errors="replace")


def _stops(pending: list[Pending]) -> bool:
    """The batch ends with a message refused before it was sent: the relay stops there."""
    return bool(pending) and isinstance(pending[-1][2], BaseException)
