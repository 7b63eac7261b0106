"""The relay's checks of the broker before it publishes: the topic exists, the cluster is the
one it published to, and each partition still holds the last message it acknowledged
(read back at its recorded offset). A broker that lost data stops the relay; so does a
message the broker refuses for good (:class:`MessageRefused`, raised by the relay)."""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from infra.kafka.refusals import reason
from infra.kafka.relay_state import RelayProgress
from infra.kafka.topics import TopicSpec, check_topics


class RelayError(Exception):
    """The relay cannot run (e.g. the topic was never created)."""


class BrokerDataLoss(RelayError):
    """The broker no longer holds what it acknowledged: republish from the store."""


class MessageRefused(RelayError):
    """The broker (or the producer, before sending) refuses an event for good (too large,
    not authorised, a topic policy): the relay stops on it. Everything before it is published
    and recorded, nothing after it is sent; the refusal is recorded, and the next start sends
    the event again (it succeeds once the cause is removed, e.g. a raised size limit)."""

    def __init__(self, position: int, group_id: str, error: BaseException) -> None:
        self.position, self.group_id, self.reason = position, group_id, reason(error)
        super().__init__(f"the event at ledger position {position} (group {group_id}) cannot be published: {self.reason}")


def check_broker(client: dict[str, Any], spec: TopicSpec, progress: RelayProgress) -> RelayProgress:
    """Compare what the broker holds with what it acknowledged before (``progress``)."""
    cluster = cluster_id(client)
    problems = check_topics(client, [spec])
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
        raise BrokerDataLoss(f"topic {spec.name} is gone; {progress.position} events had been published")
    # An offset of -1 (recorded by earlier releases for a retried batch) names no message to check.
    expected = {TopicPartition(spec.name, p): v for p, v in progress.partitions.items() if v[0] >= 0}
    found = _read_at(client, {tp: offset for tp, (offset, _) in expected.items()})
    for tp, (offset, position) in sorted(expected.items()):
        if found.get(tp) != position:
            raise BrokerDataLoss(
                f"partition {tp.partition} of {tp.topic} no longer holds position {position} "
                f"at offset {offset} (found {found.get(tp)}): the broker lost data"
            )
    return progress


def cluster_id(client: dict[str, Any]) -> str:
    admin = KafkaAdminClient(**client)
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
