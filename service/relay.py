"""The relay (transactional outbox): publishes every stored event, in order, to Kafka.

It reads the event store's notification log from its last recorded position,
sends each event with an idempotent ``acks=all`` producer, and records the new
position only after the broker acknowledged the whole batch. So after a crash it
resumes where the broker last confirmed: a batch may be sent twice across a crash
(consumers deduplicate by ``ce_id`` / ``ledger_position``), but nothing is skipped
and one group's events are never reordered (one key, one partition).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

from eventsourcing.utils import resolve_topic
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from infra.kafka.config import producer_config
from infra.kafka.envelope import encode_stored
from infra.kafka.relay_state import RelayProgress, RelayStateStore
from infra.kafka.topics import TopicAdminError, TopicSpec, check_topics

log = logging.getLogger("oar.relay")


class RelayError(Exception):
    """The relay cannot run (e.g. the topic was never created)."""


class BrokerDataLoss(RelayError):
    """The broker no longer holds what it acknowledged: republish from the store."""


@cache
def _type_name(topic: str) -> str:
    return resolve_topic(topic).type_name()


class Relay:
    def __init__(self, recorder: Any, state: RelayStateStore, client: dict[str, Any],
                 spec: TopicSpec, batch_size: int = 1000) -> None:  # fmt: skip
        self.recorder, self.state, self.client, self.spec = recorder, state, client, spec
        self.batch_size = batch_size
        self._producer: KafkaProducer | None = None

    # -- checks --------------------------------------------------------------------

    def check(self) -> RelayProgress:
        """Compare what the broker holds with what it acknowledged before."""
        progress = self.state.load()
        cluster = self._cluster_id()
        problems = check_topics(self.client, [self.spec])
        if progress.position == 0:
            if problems:
                raise RelayError(f"{'; '.join(problems)}: run `oar-ledger kafka init` first")
            return progress
        if progress.cluster_id != cluster:
            raise BrokerDataLoss(
                f"events up to position {progress.position} were published to Kafka cluster "
                f"{progress.cluster_id}, but the broker is now cluster {cluster}"
            )
        if any("missing" in problem for problem in problems):
            raise BrokerDataLoss(f"topic {self.spec.name} is gone; {progress.position} events had been published")
        self._check_last_messages(progress)
        return progress

    def _check_last_messages(self, progress: RelayProgress) -> None:
        expected = {TopicPartition(self.spec.name, p): v for p, v in progress.partitions.items()}
        found = _read_at(self.client, {tp: offset for tp, (offset, _) in expected.items()})
        for tp, (offset, position) in sorted(expected.items()):
            if found.get(tp) != position:
                raise BrokerDataLoss(
                    f"partition {tp.partition} of {tp.topic} no longer holds position {position} "
                    f"at offset {offset} (found {found.get(tp)}): the broker lost data"
                )

    def republish(self) -> None:
        """Forget what was published: the next drain sends every event again."""
        self.state.save(RelayProgress(cluster_id=self._cluster_id()))

    # -- publishing ----------------------------------------------------------------

    def drain(self, on_batch: Callable[[int, int], None] | None = None) -> int:
        """Publish every event not yet acknowledged; return how many were sent."""
        progress = self.state.load()
        progress.cluster_id = progress.cluster_id or self._cluster_id()
        sent = 0
        while batch := self.recorder.select_notifications(progress.position + 1, self.batch_size):
            self._publish(batch, progress)
            sent += len(batch)
            if on_batch:
                on_batch(sent, progress.position)
        return sent

    def _publish(self, batch: list[Any], progress: RelayProgress) -> None:
        producer = self._get_producer()
        futures = []
        for n in batch:
            key, value, headers = encode_stored(
                _type_name(n.topic), n.originator_id, n.originator_version, n.state, n.id
            )
            futures.append((n.id, producer.send(self.spec.name, key=key, value=value, headers=headers)))
        producer.flush()
        for position, future in futures:
            metadata = future.get(timeout=30)  # raises if the broker did not acknowledge
            progress.partitions[metadata.partition] = (metadata.offset, position)
        progress.position = batch[-1].id
        self.state.save(progress)  # only now: everything up to here is acknowledged

    def follow(self, stop: threading.Event, idle_wait: float = 0.5, max_backoff: float = 30.0,
               after_drain: Callable[[], None] | None = None) -> None:  # fmt: skip
        """Publish until ``stop`` is set, surviving broker outages with backoff.
        ``after_drain`` (e.g. the checkpointer) runs after every pass."""
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
                    stop.wait(idle_wait)
                delay = 1.0
            except (KafkaError, TopicAdminError) as outage:  # admin calls wrap KafkaError
                waiting = self.pending()
                log.warning("broker unavailable (%s); %d event(s) waiting; retrying in %.0fs",
                            outage, waiting, delay)  # fmt: skip
                self.close()
                checked = False  # after an outage, make sure the broker kept its data
                stop.wait(delay)
                delay = min(delay * 2, max_backoff)

    def pending(self) -> int:
        """How many stored events are not yet acknowledged by the broker."""
        return max(0, (self.recorder.max_notification_id() or 0) - self.state.load().position)

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None

    def _get_producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = KafkaProducer(**producer_config(self.client))
        return self._producer

    def _cluster_id(self) -> str:
        admin = KafkaAdminClient(**self.client)
        try:
            return str(admin.describe_cluster()["cluster_id"])
        finally:
            admin.close()


def _read_at(client: dict[str, Any], offsets: dict[TopicPartition, int]) -> dict[TopicPartition, int]:
    """The ledger position of the message at each (partition, offset), where one exists."""
    if not offsets:
        return {}
    consumer = KafkaConsumer(**client, group_id=None, enable_auto_commit=False)
    try:
        consumer.assign(list(offsets))
        for tp, offset in offsets.items():
            consumer.seek(tp, offset)
        found: dict[TopicPartition, int] = {}
        for _ in range(10):
            for tp, records in consumer.poll(timeout_ms=500).items():
                for record in records:
                    if record.offset == offsets[tp] and tp not in found:
                        found[tp] = int(dict(record.headers or []).get("ledger_position", b"-1"))
            if len(found) == len(offsets):
                break
        return found
    finally:
        consumer.close()
