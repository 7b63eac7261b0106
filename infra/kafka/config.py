"""Kafka client configuration from the settings (security options passed through)."""

from __future__ import annotations

from typing import Any

from infra.kafka.topics import TopicSpec, client_config, ledger_topic_specs
from infra.settings import Settings


def kafka_client_config(settings: Settings, bootstrap: str) -> dict[str, Any]:
    password = settings.kafka_sasl_password
    return client_config(
        bootstrap_servers=bootstrap,
        client_id=settings.kafka_client_id,
        security_protocol=settings.kafka_security_protocol,
        ssl_cafile=settings.kafka_ssl_cafile,
        ssl_certfile=settings.kafka_ssl_certfile,
        ssl_keyfile=settings.kafka_ssl_keyfile,
        sasl_mechanism=settings.kafka_sasl_mechanism,
        sasl_plain_username=settings.kafka_sasl_username,
        sasl_plain_password=password.get_secret_value() if password else None,
        request_timeout_ms=settings.kafka_request_timeout_ms,
        bootstrap_timeout_ms=settings.kafka_connect_timeout_ms,
    )


LINGER_MS = 5


def producer_config(client: dict[str, Any], ack_timeout: float = 30.0) -> dict[str, Any]:
    """acks=all and idempotence: an acknowledged message is on every in-sync replica,
    and the producer's own retries never duplicate or reorder within a partition.
    Every wait is bounded: a request by the client's ``request_timeout_ms`` (which also
    bounds ``send`` waiting for metadata), a message's delivery by ``ack_timeout``."""
    request_ms = int(client.get("request_timeout_ms", 10_000))
    return {
        "request_timeout_ms": request_ms,
        **client,
        "acks": "all",
        "enable_idempotence": True,
        "max_in_flight_requests_per_connection": 5,
        "linger_ms": LINGER_MS,
        "batch_size": 256 * 1024,
        "delivery_timeout_ms": max(int(ack_timeout * 1000), request_ms + LINGER_MS),  # kafka-python's floor
        "max_block_ms": request_ms,
    }


CONSUMER_FETCH: dict[str, Any] = {
    # kafka-python keeps one fetch in flight per broker: once some partitions are read to
    # the end, each fetch waits up to fetch_max_wait_ms for them (500 ms by default), which
    # stalls a replay and delays a follower. 10 ms bounds both. The fetch sizes stay at their
    # defaults: 4 MiB per partition / 32 MiB per fetch took a replaying projector from ~120 MB
    # to ~1.8 GB peak RSS (bench replay-memory); their speed-up was lost in the noise here.
    "fetch_max_wait_ms": 10,
}
"""Fetch settings of every consumer of the ledger topic (the projector, replays)."""


def close_producer(producer: Any, timeout: float) -> None:
    """Close a kafka-python producer within ``timeout`` seconds, whatever the broker does.

    kafka-python 3.0's ``close(timeout)`` first flushes and raises ``KafkaTimeoutError``
    when batches are still unacknowledged, leaving its sender thread running; then the
    sender is closed by force (its private ``_sender``: the library offers no public way)
    and the pending batches fail, which is fine: nothing unacknowledged was recorded."""
    from kafka.errors import KafkaError

    sender = getattr(producer, "_sender", None)
    try:
        producer.close(timeout=timeout)
    except KafkaError:
        if sender is not None:
            sender.force_close()
            sender.join(1.0)
        try:
            producer.close(timeout=0)
        except KafkaError:
            pass  # the sender is stopped; what is left is garbage
    if sender is not None and sender.is_alive():
        sender.join(1.0)  # close(0) force-closes without waiting: a sender thread still running
        # at interpreter exit can crash it (seen once: SIGSEGV after a SIGTERM stop)


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """The ledger and checkpoint topics, and the refusals topic (one partition: the refusal
    chain is a single sequence, kept forever like the others)."""
    specs = ledger_topic_specs(
        settings.ledger_topic,
        settings.checkpoint_topic,
        settings.topic_partitions,
        settings.topic_replication_factor,
    )
    checkpoints = specs[1]
    return [*specs, TopicSpec(settings.refusal_topic, 1, checkpoints.replication_factor, dict(checkpoints.configs))]
