"""Kafka topic administration for the ledger: declare, create idempotently, and check topics.

Works against Apache Kafka and the Tansu dev broker alike. Configs are read back with the
``all`` filter and compared by value, because brokers disagree on the reported config source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import kafka.errors as errors
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from domain.fields import MAX_EVENT_BYTES

AdminOrConfig = KafkaAdminClient | Mapping[str, Any]

MAX_MESSAGE_BYTES = 1_048_588
"""The topics' ``max.message.bytes``: Kafka's own default, set explicitly so that a
broker-wide change cannot lower it. It bounds a record *batch*: the producer batches up to
256 KiB, and no command can produce an event above ``MAX_EVENT_BYTES`` (256 KiB)."""
assert MAX_MESSAGE_BYTES >= 4 * MAX_EVENT_BYTES


class TopicAdminError(RuntimeError):
    """A topic could not be created, described or reached."""


@dataclass(frozen=True)
class TopicSpec:
    """The intended shape of one topic."""

    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TopicReport:
    """Outcome of ``ensure_topics`` for one topic; ``differences`` is set when ``mismatch``."""

    name: str
    status: Literal["created", "existed", "mismatch"]
    differences: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "mismatch"


def client_config(**kwargs: Any) -> dict[str, Any]:
    """Common kafka-python client settings without the ``None`` values.

    Typical keys: bootstrap_servers, client_id, security_protocol, ssl_cafile, ssl_certfile,
    ssl_keyfile, sasl_mechanism, sasl_plain_username, sasl_plain_password.
    """
    return {key: value for key, value in kwargs.items() if value is not None}


def ledger_topic_specs(
    ledger_topic: str, checkpoint_topic: str, partitions: int, replication_factor: int
) -> list[TopicSpec]:
    """Specs of the ledger topic (``partitions``) and the checkpoint topic (one partition).

    Both keep records forever and are never compacted. Checkpoints form a single sequence,
    hence one partition so their order is total.
    """
    if partitions < 1 or replication_factor < 1:
        raise ValueError("partitions and replication_factor must be at least 1")
    configs = {
        "retention.ms": "-1",
        "retention.bytes": "-1",
        "cleanup.policy": "delete",
        "max.message.bytes": str(MAX_MESSAGE_BYTES),
    }
    if replication_factor > 1:
        configs["min.insync.replicas"] = str(min(2, replication_factor))
    return [
        TopicSpec(ledger_topic, partitions, replication_factor, dict(configs)),
        TopicSpec(checkpoint_topic, 1, replication_factor, dict(configs)),
    ]


def ensure_topics(
    admin_or_config: AdminOrConfig, specs: Sequence[TopicSpec], *, timeout_ms: int = 30000
) -> list[TopicReport]:
    """Create the missing topics, then compare every topic with its spec."""
    with _admin(admin_or_config) as admin:
        created = _create(admin, specs, timeout_ms)
        try:
            admin.wait_for_topics([spec.name for spec in specs], timeout_ms=timeout_ms)
        except errors.KafkaError as exc:
            raise TopicAdminError(f"Topics not ready after creation: {exc}") from exc
        differences = _compare(admin, specs)
    reports = []
    for spec in specs:
        found = tuple(differences[spec.name])
        status = "mismatch" if found else "created" if spec.name in created else "existed"
        reports.append(TopicReport(spec.name, status, found))
    return reports


def check_topics(admin_or_config: AdminOrConfig, specs: Sequence[TopicSpec]) -> list[str]:
    """Problems with the existing topics (missing, partitions, replication, configs); no writes."""
    with _admin(admin_or_config) as admin:
        differences = _compare(admin, specs)
    return [f"{name}: {problem}" for name, found in differences.items() for problem in found]


@contextmanager
def _admin(admin_or_config: AdminOrConfig) -> Iterator[KafkaAdminClient]:
    """Use the given admin client, or open (and later close) one from a client config.

    Kafka errors raised inside the block become ``TopicAdminError`` naming the broker.
    """
    if isinstance(admin_or_config, KafkaAdminClient):
        admin, owned = admin_or_config, False
        where = admin.config.get("bootstrap_servers")
    else:
        config = dict(admin_or_config)
        where = config.get("bootstrap_servers", "(no bootstrap_servers)")
        try:
            admin, owned = KafkaAdminClient(**config), True
        except errors.KafkaError as exc:
            raise TopicAdminError(f"Kafka broker unreachable at {where}: {exc}") from exc
    try:
        yield admin
    except errors.KafkaError as exc:
        raise TopicAdminError(f"Topic administration failed at {where}: {exc}") from exc
    finally:
        if owned:
            admin.close()


def _create(admin: KafkaAdminClient, specs: Sequence[TopicSpec], timeout_ms: int) -> set[str]:
    """Create the topics; return the names actually created (existing ones are fine)."""
    request = {
        spec.name: {
            "num_partitions": spec.partitions,
            "replication_factor": spec.replication_factor,
            "configs": dict(spec.configs),
        }
        for spec in specs
    }
    response = admin.create_topics(request, timeout_ms=timeout_ms, raise_errors=False)
    created = set()
    for result in response["topics"]:
        error = errors.for_code(result["error_code"])
        if error is errors.NoError:
            created.add(result["name"])
        elif error is not errors.TopicAlreadyExistsError:
            detail = result.get("error_message") or error.__name__
            raise TopicAdminError(f"Cannot create topic {result['name']!r}: {detail}")
    return created


def _compare(admin: KafkaAdminClient, specs: Sequence[TopicSpec]) -> dict[str, list[str]]:
    """Differences between each spec and the cluster, keyed by topic name."""
    described = {t["name"]: t for t in admin.describe_topics([spec.name for spec in specs])}
    differences: dict[str, list[str]] = {spec.name: [] for spec in specs}
    present = []
    for spec in specs:
        topic = described.get(spec.name) or {"error_code": 3}  # UNKNOWN_TOPIC_OR_PARTITION
        error = errors.for_code(topic["error_code"])
        if error is errors.UnknownTopicOrPartitionError:
            differences[spec.name].append("missing topic")
        elif error is not errors.NoError:
            differences[spec.name].append(f"cannot describe topic: {error.__name__}")
        else:
            differences[spec.name].extend(_shape_differences(spec, topic))
            present.append(spec)
    for spec, found in zip(present, _config_differences(admin, present), strict=True):
        differences[spec.name].extend(found)
    return differences


def _shape_differences(spec: TopicSpec, topic: Mapping[str, Any]) -> list[str]:
    partitions = topic.get("partitions") or []
    found = []
    if len(partitions) != spec.partitions:
        found.append(f"partitions: expected {spec.partitions}, found {len(partitions)}")
    replicas = {len(p.get("replica_nodes") or []) for p in partitions}
    if replicas and replicas != {spec.replication_factor}:
        found.append(
            f"replication factor: expected {spec.replication_factor}, found {sorted(replicas)}"
        )
    return found


def _config_differences(admin: KafkaAdminClient, specs: Sequence[TopicSpec]) -> list[list[str]]:
    """Config differences per spec; empty when the broker cannot describe configs."""
    wanted = [s for s in specs if s.configs]
    if not wanted:
        return [[] for _ in specs]
    resources = [ConfigResource(ConfigResourceType.TOPIC, s.name) for s in wanted]
    try:
        actual = admin.describe_configs(resources, config_filter="all").get("topic", {})
    except errors.KafkaError:
        return [[] for _ in specs]
    result = []
    for spec in specs:
        values = {k: v.get("value") for k, v in actual.get(spec.name, {}).items()}
        result.append([
            f"config {key}: expected {value!r}, found {values.get(key)!r}"
            for key, value in sorted(spec.configs.items())
            if key in values and str(values[key]) != str(value)
        ])
    return result
