"""The AsyncAPI 3.0.0 document of the ledger, checkpoint and refusals topics."""

from __future__ import annotations

from typing import Any

from domain.canonical import GENESIS_HASH
from infra.contracts.asyncapi_parts import (
    CHECKPOINT_NOTE,
    INFO_DESCRIPTION,
    ledger_headers,
    ledger_message,
    setting_default,
    topic_configuration,
)
from infra.contracts.refusals import with_refusals
from infra.contracts.schemas import (
    ASYNCAPI_VERSION,
    CONTRACT_VERSION,
    KAFKA_BINDING_VERSION,
    body_schemas,
)
from infra.kafka import envelope
from infra.kafka.topics import ledger_topic_specs


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of the ledger, checkpoint and refusals topics."""
    return with_refusals(_ledger_and_checkpoints())


def _ledger_and_checkpoints() -> dict[str, Any]:
    names = sorted(body_schemas())  # every versioned type name on the topic
    ledger_topic = setting_default("ledger_topic")
    checkpoint_topic = setting_default("checkpoint_topic")
    partitions = setting_default("topic_partitions")
    ledger_spec, checkpoint_spec = ledger_topic_specs(ledger_topic, checkpoint_topic, partitions, 1)
    channel_messages = {name: {"$ref": f"#/components/messages/{name}"} for name in names}
    operation_messages = [{"$ref": f"#/channels/ledger/messages/{name}"} for name in names]
    checkpoint_messages = [{"$ref": "#/channels/checkpoints/messages/SignedCheckpoint"}]
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": envelope.SOURCE,
        "info": {
            "title": "OAR audit ledger",
            "version": CONTRACT_VERSION,
            "description": INFO_DESCRIPTION.format(
                type_prefix=envelope.TYPE_PREFIX, genesis_length=len(GENESIS_HASH)
            ),
            "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        },
        "defaultContentType": envelope.CONTENT_TYPE,
        "servers": {
            "production": {
                "host": "{bootstrap}",
                "protocol": "kafka",
                "title": "Production Apache Kafka cluster",
                "description": (
                    "Apache Kafka (KRaft). The ledger reads its bootstrap servers from "
                    "`KAFKA_BOOTSTRAP_SERVERS`; TLS and SASL are configured with the "
                    "`OAR_KAFKA_SECURITY_PROTOCOL`, `OAR_KAFKA_SSL_*` and `OAR_KAFKA_SASL_*` "
                    "settings."
                ),
                "variables": {
                    "bootstrap": {
                        "default": "kafka.example.org:9092",
                        "description": "Placeholder: the cluster's bootstrap servers (host:port).",
                    }
                },
            },
            "development": {
                "host": "127.0.0.1:{port}",
                "protocol": "kafka",
                "title": "Local development broker",
                "description": (
                    "The Tansu development broker (memory only, Kafka-compatible), started on "
                    "demand on a free loopback port when `KAFKA_BOOTSTRAP_SERVERS` is unset."
                ),
                "variables": {
                    "port": {
                        "default": "9092",
                        "description": "Chosen when the broker starts.",
                    }
                },
            },
        },
        "channels": {
            "ledger": {
                "address": ledger_topic,
                "title": "Ledger events",
                "description": (
                    "Every ledger event, keyed by group id. One message type per event type; "
                    "the `ce_type` header says which."
                ),
                "messages": channel_messages,
                "bindings": {
                    "kafka": {
                        "topic": ledger_topic,
                        "partitions": ledger_spec.partitions,
                        "topicConfiguration": topic_configuration(ledger_spec.configs),
                        "bindingVersion": KAFKA_BINDING_VERSION,
                    }
                },
            },
            "checkpoints": {
                "address": checkpoint_topic,
                "title": "Signed checkpoints",
                "description": (
                    "Signed checkpoints of the ledger's Merkle tree, in order, on one partition."
                ),
                "messages": {
                    "SignedCheckpoint": {"$ref": "#/components/messages/SignedCheckpoint"}
                },
                "bindings": {
                    "kafka": {
                        "topic": checkpoint_topic,
                        "partitions": checkpoint_spec.partitions,
                        "topicConfiguration": topic_configuration(checkpoint_spec.configs),
                        "bindingVersion": KAFKA_BINDING_VERSION,
                    }
                },
            },
        },
        "operations": {
            "publishLedgerEvents": {
                "action": "send",
                "channel": {"$ref": "#/channels/ledger"},
                "title": "Publish ledger events",
                "summary": "The relay publishes every recorded event, in ledger order.",
                "description": (
                    "The transactional-outbox relay reads the event store in order and publishes "
                    "each event with `acks=all` and an idempotent producer, then records its "
                    "progress. After a failure it resumes from the last acknowledged position, so "
                    "a message may be published twice (at-least-once), never skipped."
                ),
                "messages": operation_messages,
            },
            "receiveLedgerEvents": {
                "action": "receive",
                "channel": {"$ref": "#/channels/ledger"},
                "title": "Receive ledger events",
                "summary": "What a downstream consumer does.",
                "description": (
                    "Use your own consumer group; commit offsets only after applying a message. "
                    "Deduplicate by `ce_id` or `ledger_position`; rely on order only within a "
                    "group (one key). Validate the body with the JSON Schema named by `ce_type`, "
                    "and check the hash chain if you need tamper evidence."
                ),
                "messages": operation_messages,
                "bindings": {
                    "kafka": {
                        "groupId": {
                            "type": "string",
                            "description": "One consumer group per downstream system.",
                        },
                        "bindingVersion": KAFKA_BINDING_VERSION,
                    }
                },
            },
            "publishCheckpoints": {
                "action": "send",
                "channel": {"$ref": "#/channels/checkpoints"},
                "title": "Publish signed checkpoints",
                "messages": checkpoint_messages,
            },
            "receiveCheckpoints": {
                "action": "receive",
                "channel": {"$ref": "#/channels/checkpoints"},
                "title": "Receive signed checkpoints",
                "summary": "Auditors and consumers verifying the ledger.",
                "messages": checkpoint_messages,
            },
        },
        "components": {
            "schemas": {
                "GroupId": {
                    "type": "string",
                    "format": "uuid",
                    "description": (
                        "Message key of the ledger topic: the group id (UTF-8 text of the UUID), "
                        "so one group's events stay in order on one partition."
                    ),
                },
                "LedgerHeaders": ledger_headers(),
                "SignedCheckpointNote": {
                    "type": "string",
                    "description": CHECKPOINT_NOTE,
                },
            },
            "messages": {
                **{name: ledger_message(name) for name in names},
                "SignedCheckpoint": {
                    "name": "SignedCheckpoint",
                    "title": "Signed checkpoint",
                    "summary": "A C2SP signed note holding a tlog checkpoint of the ledger.",
                    "contentType": "text/plain",
                    "payload": {"$ref": "#/components/schemas/SignedCheckpointNote"},
                },
            },
        },
    }
