"""JSON Schemas of the message bodies, one per versioned event type, from the pydantic models."""

from __future__ import annotations

import copy
import inspect
import json
from pathlib import Path
from typing import Any

from domain.events.base import LedgerEvent
from domain.events.catalog import event_types
from infra.kafka import envelope

CONTRACTS_DIR = Path("contracts")
"""The default contracts folder, relative to the repository root."""

ASYNCAPI_FILE = Path("asyncapi.json")
SCHEMAS_DIR = Path("schemas")
SCHEMA_BASE_URI = "https://alumni.cern/oar-ledger/"
"""Base of the ``$id`` of every generated schema (``<base>schemas/<Type>.v1.json``)."""
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ASYNCAPI_VERSION = "3.0.0"
CONTRACT_VERSION = "1.1.0"
"""Version of the AsyncAPI document (``info.version``); event types carry their own ``.vN``."""
KAFKA_BINDING_VERSION = "0.5.0"
DRIFT_HINT = "run `python -m infra.contracts write` and commit the result"

HEX64 = r"^[0-9a-f]{64}$"
_BODY_FIELD_OVERRIDES: dict[str, dict[str, Any]] = {
    # The model accepts "" so that it can seal itself at construction; a published body is
    # always sealed, so its event_hash is always 64 hex digits.
    "event_hash": {"pattern": HEX64},
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


def older_body_schema(cls: type[LedgerEvent], version: int) -> dict[str, Any]:
    """The body schema of ``cls`` as recorded at an older schema ``version``: still published,
    since the ledger topic keeps every message as it was recorded (a v1 event stays v1)."""
    type_name = f"{cls.__name__}.v{version}"
    schema = body_schema(type_name, cls)
    properties = schema["properties"]
    schema["properties"] = {name: properties[name] for name in cls.fields_in_version(version) if name in properties}
    schema["required"] = list(schema["properties"])
    used = json.dumps(schema["properties"])
    if "$defs" in schema:
        schema["$defs"] = {k: v for k, v in schema["$defs"].items() if f'"#/$defs/{k}"' in used}
    return schema


def body_schemas() -> dict[str, dict[str, Any]]:
    """Body schema of every event type, every version still on the topic, by versioned
    type name, sorted."""
    schemas = {}
    for name, cls in event_types().items():
        schemas[name] = body_schema(name, cls)
        for older in range(cls.introduced_in, cls.class_version):
            schemas[f"{cls.__name__}.v{older}"] = older_body_schema(cls, older)
    return dict(sorted(schemas.items()))
