"""The checked-in OpenAPI document equals the one the app generates (drift test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from entrypoints.api.contract import OPENAPI_FILE, check_openapi, render_openapi
from entrypoints.api.routes_commands import WRITES

pytestmark = pytest.mark.unit
CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"


def test_the_checked_in_openapi_document_has_not_drifted() -> None:
    assert check_openapi(CONTRACTS) == [], "run `oar-ledger contracts write` and commit contracts/openapi.json"


def test_the_document_is_openapi_3_1_with_every_command_and_bearer_auth() -> None:
    document = json.loads((CONTRACTS / OPENAPI_FILE).read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    operations = {(w.method.lower(), w.path) for w in WRITES}
    assert all(method in document["paths"].get(path, {}) for method, path in operations)
    assert len(WRITES) == 31
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    approve = document["paths"]["/groups/{group}/approval"]["post"]
    assert {p["name"] for p in approve["parameters"]} >= {"group", "If-Match", "Idempotency-Key"}


def test_a_changed_document_is_caught(tmp_path: Path) -> None:
    (tmp_path / OPENAPI_FILE).write_text(render_openapi().replace("OAR audit ledger", "edited"), encoding="utf-8")
    assert check_openapi(tmp_path)
