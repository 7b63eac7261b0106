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

The package: ``schemas`` (body schemas, names, constants), ``asyncapi_parts`` and ``asyncapi``
(the AsyncAPI document), ``files`` (render, write, check), ``command`` (the command line).
"""

from __future__ import annotations

from infra.contracts.asyncapi import asyncapi_document
from infra.contracts.command import main
from infra.contracts.files import (
    OWNED_ELSEWHERE,
    check_contracts,
    render_contracts,
    write_contracts,
)
from infra.contracts.schemas import (
    ASYNCAPI_FILE,
    CONTRACT_VERSION,
    CONTRACTS_DIR,
    DRIFT_HINT,
    SCHEMA_BASE_URI,
    SCHEMAS_DIR,
    body_schema,
    body_schemas,
    ce_type,
    schema_id,
    schema_path,
)

__all__ = [
    "ASYNCAPI_FILE", "CONTRACT_VERSION", "CONTRACTS_DIR", "DRIFT_HINT", "OWNED_ELSEWHERE", "SCHEMAS_DIR",
    "SCHEMA_BASE_URI", "asyncapi_document", "body_schema", "body_schemas", "ce_type", "check_contracts",
    "main", "render_contracts", "schema_id", "schema_path", "write_contracts",
]
