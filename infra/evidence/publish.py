"""Publishing signed checkpoints on the checkpoint topic (one partition, total order).

A message is keyed by the origin; its value is the signed note text (UTF-8), so any
consumer can verify it with the public key alone. Headers repeat the size and root
for routing: ``checkpoint_origin``, ``checkpoint_size``, ``checkpoint_root`` (hex),
``content-type: text/plain; charset=utf-8``.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaProducer

from infra.evidence.checkpoint_store import StoredCheckpoint
from infra.kafka.config import close_producer, kafka_client_config, producer_config
from infra.settings import Settings


class _AcknowledgedSender:
    """One lazily made producer whose every send waits for the broker's acknowledgement
    (bounded by ``ack_timeout``); shared by the checkpoint and refusal publishers."""

    def __init__(self, client: dict[str, Any], topic: str, ack_timeout: float = 30.0) -> None:
        self.client, self.topic, self.ack_timeout = client, topic, ack_timeout
        self._producer: KafkaProducer | None = None

    def _send(self, key: bytes, value: bytes, headers: list[tuple[str, bytes]], partition: int | None = None) -> None:
        if self._producer is None:
            self._producer = KafkaProducer(**producer_config(self.client, self.ack_timeout))
        future = self._producer.send(self.topic, key=key, value=value, headers=headers, partition=partition)
        self._producer.flush(timeout=self.ack_timeout)
        future.get(timeout=self.ack_timeout)

    def close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            close_producer(producer, 1.0)


class CheckpointPublisher(_AcknowledgedSender):
    """Sends checkpoints to ``topic``; each ``publish`` waits for the broker's acknowledgement."""

    def __init__(self, client: dict[str, Any], topic: str, origin: str, ack_timeout: float = 30.0) -> None:
        super().__init__(client, topic, ack_timeout)
        self.origin = origin

    def publish(self, checkpoint: StoredCheckpoint) -> None:
        headers = [
            ("content-type", b"text/plain; charset=utf-8"),
            ("checkpoint_origin", self.origin.encode()),
            ("checkpoint_size", str(checkpoint.size).encode()),
            ("checkpoint_root", checkpoint.root_hash.hex().encode()),
        ]
        self._send(self.origin.encode(), checkpoint.note.encode("utf-8"), headers)


def publisher_for(settings: Settings, bootstrap: str | None, origin: str) -> CheckpointPublisher | None:
    """A publisher to the configured checkpoint topic, or None without a broker."""
    if not bootstrap:
        return None
    client = kafka_client_config(settings, bootstrap)
    return CheckpointPublisher(client, settings.checkpoint_topic, origin, settings.kafka_ack_timeout_seconds)


class RefusalPublisher(_AcknowledgedSender):
    """Sends sealed refusals to the refusals topic (one partition), keyed by group slug; the
    value is the refusal record with its ``refusal_hash`` (schema ``CommandRefused.v1``)."""

    def publish(self, group: str, value: bytes, sequence: int) -> None:
        headers = [("content-type", b"application/json"), ("ce_type", REFUSAL_TYPE.encode()),
                   ("refusal_sequence", str(sequence).encode())]  # fmt: skip
        self._send(group.encode(), value, headers, partition=0)


REFUSAL_TYPE = "ch.cern.alumni.ledger.CommandRefused.v1"


def refusal_publisher_for(settings: Settings, bootstrap: str | None) -> RefusalPublisher | None:
    if not bootstrap:
        return None
    client = kafka_client_config(settings, bootstrap)
    return RefusalPublisher(client, settings.refusal_topic, settings.kafka_ack_timeout_seconds)
