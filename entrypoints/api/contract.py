"""The checked-in OpenAPI 3.1 document (``contracts/openapi.json``): rendered from the
app's routes and models; ``oar-ledger contracts write`` regenerates it, a test fails on drift."""

from __future__ import annotations

import json
from pathlib import Path

from entrypoints.api.app import openapi_document

OPENAPI_FILE = Path("openapi.json")


def render_openapi() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def check_openapi(root: Path) -> list[str]:
    path = root / OPENAPI_FILE
    if not path.exists() or path.read_text(encoding="utf-8") != render_openapi():
        return [f"{path} differs from the API's routes and models"]
    return []


def write_openapi(root: Path) -> list[Path]:
    path = root / OPENAPI_FILE
    text = render_openapi()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return []
    path.write_text(text, encoding="utf-8")
    return [path]
