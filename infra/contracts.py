"""The ledger's published contracts, generated from the code: a JSON Schema per event type
and an AsyncAPI 3.0.0 document for the Kafka topics.

Downstream teams code against the files in the checked-in ``contracts/`` folder::

    contracts/asyncapi.json                 the topics, messages, headers, key, guarantees
    contracts/schemas/<Type>.v<N>.json      the message body of each event type (draft 2020-12)

Nothing here is written by hand: the schemas come from the pydantic event classes
(``domain.events.catalog.event_types()``), the header values and type names from the envelope
codec (``infra.kafka.envelope``), the topic names and shapes from the settings and the topic
specs. The output is stable (sorted keys, fixed indentation, trailing newline), so a test can
compare the checked-in files with a fresh rendering and fail when a model changes::

    python -m infra.contracts write     # regenerate contracts/
    python -m infra.contracts check     # exit 1 when contracts/ is out of date

``root`` in the functions below is the contracts folder itself (``contracts/``).
"""

from __future__ import annotations

import argparse
import copy
import inspect
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from domain.canonical import GENESIS_HASH
from domain.events.base import LedgerEvent
from domain.events.catalog import event_types
from infra.contracts_refusals import REFUSAL_TYPE_NAME, add_refusals, refusal_schema
from infra.kafka import envelope
from infra.kafka.topics import ledger_topic_specs
from infra.settings import Settings

CONTRACTS_DIR = Path("contracts")
"""The default contracts folder, relative to the repository root."""

ASYNCAPI_FILE = Path("asyncapi.json")
SCHEMAS_DIR = Path("schemas")
SCHEMA_BASE_URI = "https://alumni.cern/oar-ledger/"
"""Base of the ``$id`` of every generated schema (``<base>schemas/<Type>.v1.json``)."""
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ASYNCAPI_VERSION = "3.0.0"
CONTRACT_VERSION = "1.0.0"
"""Version of the AsyncAPI document (``info.version``); event types carry their own ``.vN``."""
KAFKA_BINDING_VERSION = "0.5.0"
DRIFT_HINT = "run `python -m infra.contracts write` and commit the result"

_HEX64 = r"^[0-9a-f]{64}$"
_CE_TYPE_PATTERN = "^" + re.escape(envelope.TYPE_PREFIX) + r"[A-Za-z][A-Za-z0-9]*\.v[1-9][0-9]*$"
_BODY_FIELD_OVERRIDES: dict[str, dict[str, Any]] = {
    # The model accepts "" so that it can seal itself at construction; a published body is
    # always sealed, so its event_hash is always 64 hex digits.
    "event_hash": {"pattern": _HEX64},
}


# -- JSON Schemas of the message bodies --------------------------------------------------


def schema_path(type_name: str) -> Path:
    """Relative path (inside the contracts folder) of the body schema of ``type_name``."""
    return SCHEMAS_DIR / f"{type_name}.json"


def schema_id(type_name: str) -> str:
    return SCHEMA_BASE_URI + schema_path(type_name).as_posix()


def ce_type(type_name: str) -> str:
    """The CloudEvents ``ce_type`` header of ``type_name`` (``ch.cern.alumni.ledger.X.v1``)."""
    return envelope.TYPE_PREFIX + type_name


def _docstring(cls: type) -> str | None:
    """The class's own docstring (not an inherited one), cleaned."""
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def body_schema(type_name: str, cls: type[LedgerEvent]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the Kafka message body of one event type.

    The body is ``envelope.event_body(event)``: the pydantic model dumped in JSON mode without
    ``originator_topic``. Every field is always present (``None`` dumps as ``null``), so every
    property is required; unknown fields are refused (``additionalProperties: false``).
    """
    schema = copy.deepcopy(cls.model_json_schema(mode="serialization"))
    properties: dict[str, Any] = schema["properties"]
    properties.pop("originator_topic", None)
    for name, prop in properties.items():
        prop.pop("default", None)  # always emitted: a default would only mislead
        prop.update(_BODY_FIELD_OVERRIDES.get(name, {}))
    schema["required"] = list(properties)
    schema["additionalProperties"] = False
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = schema_id(type_name)
    schema["title"] = type_name
    doc = _docstring(cls)
    about = (
        f"Body (Kafka message value, JSON) of the ledger event `{type_name}`: "
        f"messages on the ledger topic whose `ce_type` header is `{ce_type(type_name)}`."
    )
    schema["description"] = f"{doc}\n\n{about}" if doc else about
    return schema


def body_schemas() -> dict[str, dict[str, Any]]:
    """Body schema of every event type, by versioned type name, sorted."""
    types = event_types()
    return {name: body_schema(name, types[name]) for name in sorted(types)}


# -- AsyncAPI ----------------------------------------------------------------------------


def _default(name: str) -> Any:
    """A setting's default: the contract must not depend on the environment it is built in."""
    return Settings.model_fields[name].default


def _topic_configuration(configs: dict[str, str]) -> dict[str, Any]:
    """The Kafka channel binding's ``topicConfiguration`` from a ``TopicSpec``'s configs."""
    result: dict[str, Any] = {}
    for key, value in configs.items():
        if key == "cleanup.policy":
            result[key] = value.split(",")
        elif key in ("retention.ms", "retention.bytes", "delete.retention.ms", "max.message.bytes"):
            result[key] = int(value)
    return result


_INFO_DESCRIPTION = """\
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


def _ledger_headers() -> dict[str, Any]:
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
                "pattern": _HEX64,
                "description": "The body's `event_hash` (hex SHA-256, see the hash chain above).",
            },
            "ledger_previous_hash": {
                "type": "string",
                "pattern": _HEX64,
                "description": (
                    "The body's `previous_hash`: the `event_hash` of the group's previous event, "
                    f"`{GENESIS_HASH}` for its first."
                ),
            },
        },
    }


_CHECKPOINT_NOTE = """\
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


def _ledger_message(type_name: str) -> dict[str, Any]:
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


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of the ledger, checkpoint and refusals topics."""
    document = _ledger_and_checkpoints_document()
    configuration = document["channels"]["checkpoints"]["bindings"]["kafka"]["topicConfiguration"]
    return add_refusals(document, _default("refusal_topic"), "./" + schema_path(REFUSAL_TYPE_NAME).as_posix(),
                        KAFKA_BINDING_VERSION, configuration)


def _ledger_and_checkpoints_document() -> dict[str, Any]:
    names = sorted(event_types())
    ledger_topic = _default("ledger_topic")
    checkpoint_topic = _default("checkpoint_topic")
    partitions = _default("topic_partitions")
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
            "description": _INFO_DESCRIPTION.format(
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
                        "topicConfiguration": _topic_configuration(ledger_spec.configs),
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
                        "topicConfiguration": _topic_configuration(checkpoint_spec.configs),
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
                "LedgerHeaders": _ledger_headers(),
                "SignedCheckpointNote": {
                    "type": "string",
                    "description": _CHECKPOINT_NOTE,
                },
            },
            "messages": {
                **{name: _ledger_message(name) for name in names},
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


# -- Rendering, writing, checking --------------------------------------------------------


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_contracts() -> dict[Path, str]:
    """Every contract file: path relative to the contracts folder -> file text."""
    files = {schema_path(name): _dump(schema) for name, schema in body_schemas().items()}
    files[schema_path(REFUSAL_TYPE_NAME)] = _dump(refusal_schema(schema_id(REFUSAL_TYPE_NAME), JSON_SCHEMA_DIALECT))
    files[ASYNCAPI_FILE] = _dump(asyncapi_document())
    return dict(sorted(files.items()))


def _generated_looking(root: Path) -> list[Path]:
    """The files in ``root`` that the generator owns (``*.json``), relative to ``root``."""
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(root)
        for path in root.rglob("*.json")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def check_contracts(root: Path) -> list[str]:
    """Problems with the contracts folder ``root``: missing, stale or extra files (empty = ok)."""
    rendered = render_contracts()
    problems = []
    for path, text in rendered.items():
        target = root / path
        if not target.is_file():
            problems.append(f"missing: {path.as_posix()}")
        elif target.read_text(encoding="utf-8") != text:
            problems.append(f"stale: {path.as_posix()}")
    for path in _generated_looking(root):
        if path not in rendered:
            problems.append(f"extra: {path.as_posix()} (no event type generates it)")
    return problems


def write_contracts(root: Path) -> list[Path]:
    """(Re)write the contracts folder ``root``; remove generated-looking files no longer
    generated. Return the paths changed (written or removed); empty when up to date."""
    rendered = render_contracts()
    changed = []
    for path, text in rendered.items():
        target = root / path
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        changed.append(target)
    for path in _generated_looking(root):
        if path not in rendered:
            (root / path).unlink()
            changed.append(root / path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.contracts",
        description="Generate or check the ledger's JSON Schemas and AsyncAPI document.",
    )
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument(
        "--dir", type=Path, default=CONTRACTS_DIR, help="the contracts folder (default: contracts)"
    )
    args = parser.parse_args(argv)
    root: Path = args.dir
    if args.action == "write":
        changed = write_contracts(root)
        for path in changed:
            print(f"{'wrote' if path.exists() else 'removed'} {path}")
        print(f"{root}: {len(render_contracts())} contract files, {len(changed)} changed")
        return 0
    problems = check_contracts(root)
    if problems:
        print(f"{root} is out of date with the event models:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print(f"To fix it, {DRIFT_HINT}.", file=sys.stderr)
        return 1
    print(f"{root}: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
