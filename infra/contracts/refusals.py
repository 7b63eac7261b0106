"""The refusals topic in the published contracts: the JSON Schema of ``CommandRefused.v1``
and its AsyncAPI channel (added to ``infra.contracts.asyncapi``'s document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from infra.contracts.asyncapi_parts import setting_default
from infra.contracts.schemas import JSON_SCHEMA_DIALECT, KAFKA_BINDING_VERSION, schema_id, schema_path

REFUSAL_TYPE_NAME = "CommandRefused.v1"
_HEX64 = r"^[0-9a-f]{64}$"


class CommandRefused(BaseModel):
    """A command the ledger refused (no ledger event was written), sealed in the refusal chain.

    `refusal_hash` is the SHA-256 (hex) of the canonical JSON (sorted keys, no white space,
    UTF-8) of every other field; `previous_hash` is the `refusal_hash` of the previous
    refusal (64 zeros for the first), so the refusals form one hash chain in `sequence`
    order. Signed checkpoints of the refusal log (origin `<ledger origin>/refusals`, RFC 9162
    leaves `SHA-256(0x00 || refusal_hash bytes)`) are published on the checkpoint topic."""

    model_config = ConfigDict(extra="forbid")

    sequence: int = Field(ge=1, description="Position in the refusal chain: 1, 2, 3 ...")
    at: str = Field(description="Ledger time of the attempt, RFC 3339 UTC with microseconds and `Z`")
    actor_id: str
    actor_role: str
    command: str = Field(description="The refused command, e.g. `ApproveGroup`")
    group_slug: str
    rule: str = Field(description="The rule that refused it")
    clause: str = Field(description="The guideline clause the rule cites")
    message: str
    previous_hash: str = Field(pattern=_HEX64)
    refusal_hash: str = Field(pattern=_HEX64)


def refusal_schema() -> dict[str, Any]:
    schema = CommandRefused.model_json_schema(mode="serialization")
    schema["required"] = list(schema["properties"])
    schema["additionalProperties"] = False
    return schema | {"$schema": JSON_SCHEMA_DIALECT, "$id": schema_id(REFUSAL_TYPE_NAME), "title": REFUSAL_TYPE_NAME}


def with_refusals(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (the ledger and checkpoint topics) with the refusals topic added; its topic
    configuration is the checkpoint topic's (one partition, kept forever)."""
    configuration = document["channels"]["checkpoints"]["bindings"]["kafka"]["topicConfiguration"]
    return add_refusals(document, setting_default("refusal_topic"), "./" + schema_path(REFUSAL_TYPE_NAME).as_posix(),
                        KAFKA_BINDING_VERSION, configuration)  # fmt: skip


def add_refusals(document: dict[str, Any], topic: str, schema_ref: str, binding_version: str,
                 topic_configuration: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Add the refusals channel, its two operations and its message to an AsyncAPI document."""
    message = {"$ref": f"#/channels/refusals/messages/{REFUSAL_TYPE_NAME}"}
    document["channels"]["refusals"] = {
        "address": topic, "title": "Refused commands",
        "description": "Every refused command, in refusal-chain order, on one partition, keyed by group slug.",
        "messages": {REFUSAL_TYPE_NAME: {"$ref": f"#/components/messages/{REFUSAL_TYPE_NAME}"}},
        "bindings": {"kafka": {"topic": topic, "partitions": 1, "topicConfiguration": topic_configuration,
                               "bindingVersion": binding_version}},
    }  # fmt: skip
    document["operations"]["publishRefusals"] = {
        "action": "send", "channel": {"$ref": "#/channels/refusals"}, "title": "Publish refused commands",
        "messages": [message]}  # fmt: skip
    document["operations"]["receiveRefusals"] = {
        "action": "receive", "channel": {"$ref": "#/channels/refusals"}, "title": "Receive refused commands",
        "summary": "Auditors checking denied attempts.", "messages": [message]}  # fmt: skip
    document["components"]["messages"][REFUSAL_TYPE_NAME] = {
        "name": REFUSAL_TYPE_NAME, "title": REFUSAL_TYPE_NAME, "summary": "A refused command, hash-chained.",
        "contentType": "application/json", "payload": {"$ref": schema_ref},
        "headers": {"type": "object", "properties": {
            "ce_type": {"type": "string", "const": "ch.cern.alumni.ledger." + REFUSAL_TYPE_NAME},
            "refusal_sequence": {"type": "string", "pattern": "^[1-9][0-9]*$"}}},
        "bindings": {"kafka": {"key": {"type": "string", "description": "The group slug"},
                               "bindingVersion": binding_version}},
    }  # fmt: skip
    return document
