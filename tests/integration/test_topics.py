"""Topic administration against the development broker."""

from __future__ import annotations

import pytest

from infra.kafka.dev_broker import DevBroker, free_port
from infra.kafka.topics import (
    TopicAdminError,
    TopicSpec,
    check_topics,
    client_config,
    ensure_topics,
    ledger_topic_specs,
)

pytestmark = pytest.mark.integration


def _config(broker: DevBroker) -> dict[str, object]:
    return client_config(bootstrap_servers=broker.bootstrap_servers, client_id="test-topics")


def test_ensure_topics_creates_with_explicit_partitions_and_is_idempotent(
    dev_broker: DevBroker, unique_topic: str
) -> None:
    specs = ledger_topic_specs(unique_topic, f"{unique_topic}.checkpoints", 3, 1)

    first = ensure_topics(_config(dev_broker), specs)
    second = ensure_topics(_config(dev_broker), specs)

    assert [(r.name, r.status) for r in first] == [(s.name, "created") for s in specs]
    assert [(r.name, r.status) for r in second] == [(s.name, "existed") for s in specs]
    assert all(r.ok and not r.differences for r in first + second)
    assert check_topics(_config(dev_broker), specs) == []


def test_ensure_topics_reports_a_partition_mismatch(
    dev_broker: DevBroker, unique_topic: str
) -> None:
    ensure_topics(_config(dev_broker), [TopicSpec(unique_topic, 2, 1, {})])

    [report] = ensure_topics(_config(dev_broker), [TopicSpec(unique_topic, 3, 1, {})])

    assert report.status == "mismatch" and not report.ok
    assert report.differences == ("partitions: expected 3, found 2",)


def test_ensure_topics_reports_a_config_mismatch(dev_broker: DevBroker, unique_topic: str) -> None:
    short = TopicSpec(unique_topic, 1, 1, {"retention.ms": "1000"})
    ensure_topics(_config(dev_broker), [short])

    forever = TopicSpec(unique_topic, 1, 1, {"retention.ms": "-1"})
    [report] = ensure_topics(_config(dev_broker), [forever])

    assert report.differences == ("config retention.ms: expected '-1', found '1000'",)


def test_check_topics_reports_missing_topic_without_creating_it(
    dev_broker: DevBroker, unique_topic: str
) -> None:
    spec = TopicSpec(unique_topic, 1, 1, {})

    assert check_topics(_config(dev_broker), [spec]) == [f"{unique_topic}: missing topic"]
    assert check_topics(_config(dev_broker), [spec]) == [f"{unique_topic}: missing topic"]


def test_check_topics_reports_wrong_partition_count(
    dev_broker: DevBroker, unique_topic: str
) -> None:
    ensure_topics(_config(dev_broker), [TopicSpec(unique_topic, 2, 1, {})])

    problems = check_topics(_config(dev_broker), [TopicSpec(unique_topic, 4, 1, {})])

    assert problems == [f"{unique_topic}: partitions: expected 4, found 2"]


def test_unreachable_broker_is_a_clear_error() -> None:
    address = f"127.0.0.1:{free_port()}"
    config = client_config(bootstrap_servers=address, bootstrap_timeout_ms=300)

    with pytest.raises(TopicAdminError, match=f"unreachable at {address}"):
        check_topics(config, [TopicSpec("anything", 1, 1, {})])


def test_ledger_topic_specs_keep_everything_forever() -> None:
    ledger, checkpoints = ledger_topic_specs("oar.ledger.v1", "oar.checkpoints.v1", 6, 3)

    assert (ledger.name, ledger.partitions, ledger.replication_factor) == ("oar.ledger.v1", 6, 3)
    assert checkpoints.partitions == 1
    assert ledger.configs == {
        "retention.ms": "-1",
        "retention.bytes": "-1",
        "cleanup.policy": "delete",
        "max.message.bytes": "1048588",
        "min.insync.replicas": "2",
    }
    [single] = ledger_topic_specs("a", "b", 1, 1)[:1]
    assert "min.insync.replicas" not in single.configs


def test_client_config_drops_unset_values() -> None:
    assert client_config(bootstrap_servers="h:1", ssl_cafile=None, client_id="c") == {
        "bootstrap_servers": "h:1",
        "client_id": "c",
    }
