"""The pieces of the AsyncAPI document: prose, headers, one ledger message, topic bindings."""

from __future__ import annotations

import re
from typing import Any

from domain.canonical import GENESIS_HASH
from infra.contracts.schemas import HEX64, KAFKA_BINDING_VERSION, ce_type, schema_path
from infra.kafka import envelope
from infra.settings import Settings

_CE_TYPE_PATTERN = "^" + re.escape(envelope.TYPE_PREFIX) + r"[A-Za-z][A-Za-z0-9]*\.v[1-9][0-9]*$"

def setting_default(name: str) -> Any:
    """A setting's default: the contract must not depend on the environment it is built in."""
    return Settings.model_fields[name].default


def topic_configuration(configs: dict[str, str]) -> dict[str, Any]:
    """The Kafka channel binding's ``topicConfiguration`` from a ``TopicSpec``'s configs."""
    result: dict[str, Any] = {}
    for key, value in configs.items():
        if key == "cleanup.policy":
            result[key] = value.split(",")
        elif key in ("retention.ms", "retention.bytes", "delete.retention.ms", "max.message.bytes"):
            result[key] = int(value)
    return result


INFO_DESCRIPTION = """\
The OAR audit ledger publishes every fact about CERN alumni groups (requests, OAR decisions,
managers, members, group events, speakers, attendance, sponsorship screening) as an immutable
event on one Kafka topic, so that downstream systems can build their own views without asking
the ledger anything.

**Envelope.** CloudEvents 1.0, Kafka protocol binding, binary mode: the CloudEvents attributes
are `ce_*` headers, the message value is the event body as JSON (`content-type:
application/json`). Each event type has a versioned name (`ManagerAppointed.v1`), carried in
`ce_type` as `{type_prefix}ManagerAppointed.v1`; its body is described by the JSON Schema
`schemas/ManagerAppointed.v1.json`. A `.v1` body never changes shape: a change makes a new
version (`.v2`), and new event types may appear on the topic, so dispatch on `ce_type`.

**Guarantees.**
- *Order per group.* The message key is the group id (also `ce_subject` and the body's
  `originator_id`), so all events of one group are on one partition, in the group's order
  (`originator_version` increases by one). There is no order across groups or partitions:
  `ledger_position` gives the ledger's global order.
- *At-least-once.* The relay publishes with `acks=all` and an idempotent producer and records
  its progress only after the broker acknowledged, so after a failure a message may be
  published again. Consumers must deduplicate: by `ce_id` (deterministic: the same event always
  has the same id) or by `ledger_position`.
- *Nothing lost, nothing reordered.* The relay reads the event store in order and never skips;
  the topics keep every record forever (`retention.ms=-1`, `cleanup.policy=delete`, no
  compaction), so a consumer can always replay from the beginning.
- *Tamper evidence.* Each body carries `event_hash` and `previous_hash` (also in the
  `ledger_event_hash` and `ledger_previous_hash` headers). `event_hash` is the hex SHA-256 of the
  canonical JSON of the body without `event_hash` and with `"type": "<Type>.vN"` added
  (canonical = keys sorted, separators `,` and `:` without spaces, UTF-8, non-ASCII characters
  kept as they are). `previous_hash` is the `event_hash` of the same group's previous event, or
  {genesis_length} zeros for its first event. Signed checkpoints of the ledger's Merkle tree
  (RFC 9162 hashing) are published on the checkpoint topic.
- *No personal data.* People appear as opaque ids only (`actor_id`, `member_id`, ...); no name
  or e-mail address is ever in a body, a key or a header.
"""


def ledger_headers() -> dict[str, Any]:
    return {
        "type": "object",
        "description": (
            "Kafka headers of every ledger message (UTF-8 text values). CloudEvents 1.0 "
            "attributes in binary mode (`ce_*`, `content-type`) plus the ledger's own. "
            "Other headers may be added later: ignore the ones you do not know."
        ),
        "required": [
            "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time",
            "content-type", "ledger_position", "ledger_event_hash", "ledger_previous_hash",
        ],  # fmt: skip
        "properties": {
            "ce_specversion": {
                "type": "string",
                "const": envelope.SPEC_VERSION,
                "description": "CloudEvents specification version.",
            },
            "ce_id": {
                "type": "string",
                "format": "uuid",
                "description": (
                    "The event id: a UUIDv5 derived from the group id and `originator_version`, "
                    "so the same event always has the same id. Deduplicate by it."
                ),
            },
            "ce_source": {
                "type": "string",
                "const": envelope.SOURCE,
                "description": "The producer: the OAR audit ledger.",
            },
            "ce_type": {
                "type": "string",
                "pattern": _CE_TYPE_PATTERN,
                "description": (
                    f"`{envelope.TYPE_PREFIX}<Type>.v<N>`: the versioned event type, which names "
                    "the JSON Schema of the body."
                ),
            },
            "ce_subject": {
                "type": "string",
                "format": "uuid",
                "description": (
                    "The group id: equal to the message key and the body's `originator_id`."
                ),
            },
            "ce_time": {
                "type": "string",
                "format": "date-time",
                "description": (
                    "Ledger time of the event (RFC 3339), equal to the body's `timestamp`."
                ),
            },
            "content-type": {
                "type": "string",
                "const": envelope.CONTENT_TYPE,
                "description": "Media type of the message value.",
            },
            "ledger_position": {
                "type": "string",
                "pattern": "^(0|[1-9][0-9]*)$",
                "description": (
                    "The event's position in the ledger's global order (decimal), strictly "
                    "increasing in the order events were recorded, across all groups. A "
                    "deduplication key, and the index to compare with the event store."
                ),
            },
            "ledger_event_hash": {
                "type": "string",
                "pattern": HEX64,
                "description": "The body's `event_hash` (hex SHA-256, see the hash chain above).",
            },
            "ledger_previous_hash": {
                "type": "string",
                "pattern": HEX64,
                "description": (
                    "The body's `previous_hash`: the `event_hash` of the group's previous event, "
                    f"`{GENESIS_HASH}` for its first."
                ),
            },
        },
    }


CHECKPOINT_NOTE = """\
A signed checkpoint of the ledger's Merkle tree (RFC 9162 hashing over the global order):
a C2SP tlog-checkpoint body inside a C2SP signed note, signed with Ed25519. The text is

    <origin>
    <tree size>
    <base64 root hash>
    time <RFC 3339 UTC>

    \u2014 <key name> <base64(4-byte key hash || 64-byte Ed25519 signature)>

The signature covers the body (the lines before the blank line, each ending with a newline).
Verify it with the ledger's published verifier key, then check consistency proofs between
successive checkpoints."""


def ledger_message(type_name: str) -> dict[str, Any]:
    return {
        "name": type_name,
        "title": type_name,
        "summary": f"The ledger event {type_name}.",
        "contentType": envelope.CONTENT_TYPE,
        "headers": {
            "allOf": [
                {"$ref": "#/components/schemas/LedgerHeaders"},
                {
                    "type": "object",
                    "properties": {"ce_type": {"type": "string", "const": ce_type(type_name)}},
                },
            ]
        },
        "payload": {"$ref": "./" + schema_path(type_name).as_posix()},
        "bindings": {
            "kafka": {
                "key": {"$ref": "#/components/schemas/GroupId"},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }
