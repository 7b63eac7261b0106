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
from infra.kafka.config import kafka_client_config, producer_config
from infra.settings import Settings


class CheckpointPublisher:
    """Sends checkpoints to ``topic``; each ``publish`` waits for the broker's acknowledgement."""

    def __init__(self, client: dict[str, Any], topic: str, origin: str) -> None:
        self.client, self.topic, self.origin = client, topic, origin
        self._producer: KafkaProducer | None = None

    def publish(self, checkpoint: StoredCheckpoint) -> None:
        if self._producer is None:
            self._producer = KafkaProducer(**producer_config(self.client))
        headers = [
            ("content-type", b"text/plain; charset=utf-8"),
            ("checkpoint_origin", self.origin.encode()),
            ("checkpoint_size", str(checkpoint.size).encode()),
            ("checkpoint_root", checkpoint.root_hash.hex().encode()),
        ]
        future = self._producer.send(
            self.topic, key=self.origin.encode(), value=checkpoint.note.encode("utf-8"), headers=headers
        )
        self._producer.flush()
        future.get(timeout=30)

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None


def publisher_for(settings: Settings, bootstrap: str | None, origin: str) -> CheckpointPublisher | None:
    """A publisher to the configured checkpoint topic, or None without a broker."""
    if not bootstrap:
        return None
    return CheckpointPublisher(kafka_client_config(settings, bootstrap), settings.checkpoint_topic, origin)


class RefusalPublisher:
    """Sends sealed refusals to the refusals topic (one partition), keyed by group slug; the
    value is the refusal record with its ``refusal_hash`` (schema ``CommandRefused.v1``)."""

    def __init__(self, client: dict[str, Any], topic: str) -> None:
        self.client, self.topic = client, topic
        self._producer: KafkaProducer | None = None

    def publish(self, group: str, value: bytes, sequence: int) -> None:
        if self._producer is None:
            self._producer = KafkaProducer(**producer_config(self.client))
        headers = [("content-type", b"application/json"), ("ce_type", REFUSAL_TYPE.encode()),
                   ("refusal_sequence", str(sequence).encode())]  # fmt: skip
        future = self._producer.send(self.topic, key=group.encode(), value=value, headers=headers, partition=0)
        self._producer.flush()
        future.get(timeout=30)

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None


REFUSAL_TYPE = "ch.cern.alumni.ledger.CommandRefused.v1"


def refusal_publisher_for(settings: Settings, bootstrap: str | None) -> RefusalPublisher | None:
    if not bootstrap:
        return None
    return RefusalPublisher(kafka_client_config(settings, bootstrap), settings.refusal_topic)
