"""The projector: consumes the ledger topic and applies each event to the read models.

Each poll's records of one partition are applied with the partition's next offset
in ONE transaction, so a crash never half-applies a batch; on restart it seeks to
the offsets stored beside the rows. A batch is decoded, checked against the stale
groups and applied as one unit of work (``projections.writer.apply_events``). If
anything in it fails, the batch is rolled back and re-applied one record per
transaction to find the culprit: a message that cannot be decoded or applied stops
the projector with its coordinates, or (if a dead-letter topic is set) is parked
there and its group marked stale.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from sqlalchemy import Engine

from infra.collection import collection_deferred
from consumers.failures import ProjectorStopped, park
from infra.kafka.config import close_producer, producer_config
from infra.kafka.envelope import EnvelopeError, LedgerMessage, decode
from projections.writer import apply_events, record_offset, stale_among, stored_offsets

log = logging.getLogger("oar.projector")
Progress = Callable[[int, int], None]  # (applied so far, total known)


@dataclass
class ProjectorConfig:
    topic: str
    client: dict[str, Any]
    group_id: str | None = None  # None: assign every partition (one projector, or replay)
    dead_letter_topic: str | None = None
    ack_timeout: float = 30.0  # the dead-letter producer's bound on an acknowledgement
    consumer_options: dict[str, Any] | None = None


class Projector:
    def __init__(self, engine: Engine, config: ProjectorConfig) -> None:
        self.engine, self.config = engine, config
        self.consumer = KafkaConsumer(**config.client, group_id=config.group_id, enable_auto_commit=False,
                                      auto_offset_reset="earliest", **(config.consumer_options or {}))  # fmt: skip
        self._dead_letters: KafkaProducer | None = None
        self.applied = 0

    def run(self, stop: threading.Event, once: bool = False, progress: Progress | None = None) -> int:
        """Apply messages until ``stop`` is set (or, with ``once``, until caught up)."""
        self._attach()
        while not stop.is_set():
            with collection_deferred():  # a poll's objects die by reference counting, inside
                self._apply_poll()
            if progress:
                progress(self.applied, self._total_known())
            if once and self._caught_up():  # no final empty poll: the fetches told the high watermarks
                break
        return self.applied

    def _apply_poll(self) -> None:
        for tp, records in self.consumer.poll(timeout_ms=500, max_records=1000).items():
            self._apply(tp, records)

    def close(self) -> None:
        self.consumer.close()
        if self._dead_letters is not None:
            close_producer(self._dead_letters, 5.0)

    def _attach(self) -> None:
        if self.config.group_id is None:
            partitions = self.consumer.partitions_for_topic(self.config.topic) or set()
            self.consumer.assign([TopicPartition(self.config.topic, p) for p in sorted(partitions)])
            self._seek(self.consumer.assignment())
        else:
            self.consumer.subscribe([self.config.topic], listener=_SeekOnAssign(self))

    def _seek(self, partitions: Any) -> None:
        with self.engine.connect() as connection:
            offsets = stored_offsets(connection, self.config.topic)
        for tp in partitions:
            if tp.partition in offsets:
                self.consumer.seek(tp, offsets[tp.partition])
            else:
                self.consumer.seek_to_beginning(tp)

    def _apply(self, tp: TopicPartition, records: list[Any]) -> None:
        try:
            with self.engine.begin() as connection:
                applied = self._apply_batch(connection, records)
                record_offset(connection, tp.topic, tp.partition, records[-1].offset + 1)
            self.applied += applied
        except Exception as problem:  # noqa: BLE001 - isolate the bad record, one transaction each
            log.warning("batch of %d at %s/%s/%s failed (%s): applying it record by record",
                        len(records), tp.topic, tp.partition, records[0].offset, str(problem)[:300])  # fmt: skip
            for record in records:
                with self.engine.begin() as connection:
                    self._apply_isolated(connection, tp, record)

    def _apply_batch(self, connection: Any, records: list[Any]) -> int:
        """Decode, refuse stale groups, apply as one unit of work; raises on the first problem."""
        messages = [sealed(decode(r.key, r.value, r.headers)) for r in records]
        if stale := stale_among(connection, {str(m.group_id) for m in messages}):
            record, message = next((r, m) for r, m in zip(records, messages) if str(m.group_id) in stale)
            raise ProjectorStopped.stale(record, message)
        return apply_events(connection, [(m.event(), m.position) for m in messages])

    def _apply_isolated(self, connection: Any, tp: TopicPartition, record: Any) -> None:
        try:
            with connection.begin_nested():
                applied = self._apply_batch(connection, [record])
            self.applied += applied
        except Exception as problem:  # noqa: BLE001 - stop or park, never skip silently
            if self.config.dead_letter_topic is None:
                raise ProjectorStopped.on(record, problem) from problem
            park(connection, self._dead_letter_producer(), self.config.dead_letter_topic, record, problem,
                 timeout=self.config.ack_timeout)
        record_offset(connection, tp.topic, tp.partition, record.offset + 1)

    def _dead_letter_producer(self) -> KafkaProducer:
        if self._dead_letters is None:
            self._dead_letters = KafkaProducer(**producer_config(self.config.client, self.config.ack_timeout))
        return self._dead_letters

    def _caught_up(self) -> bool:
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)  # from fetch responses, not ListOffsets
            if highwater is None or self.consumer.position(tp) < highwater:  # None: no fetch answered yet
                return False
        return bool(self.consumer.assignment())

    def lag(self) -> dict[tuple[str, int], int]:
        """Per assigned partition, messages not yet applied (known from fetch responses)."""
        lags = {}
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)
            if highwater is not None:
                lags[(tp.topic, tp.partition)] = max(0, highwater - self.consumer.position(tp))
        return lags

    def _total_known(self) -> int:
        return sum(self.consumer.highwater(tp) or 0 for tp in self.consumer.assignment())


def sealed(message: LedgerMessage) -> LedgerMessage:
    """The message's content hashes to its ``event_hash`` (header and body agree): an
    altered message is refused before it is applied (its link is checked on apply)."""
    if message.body.get("event_hash") != message.event_hash or message.recomputed_hash() != message.event_hash:
        raise EnvelopeError(f"event {message.event_id}: its content does not hash to its event_hash "
                            f"{message.event_hash[:12]}… (altered or forged)")  # fmt: skip
    return message


class _SeekOnAssign(ConsumerRebalanceListener):
    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.projector._seek(assigned)

    def on_partitions_revoked(self, revoked: Any) -> None:
        pass  # offsets live in the database, committed with the rows
