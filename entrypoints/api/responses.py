"""JSON responses of plain data (dataclasses, datetimes, enums, UUIDs, decimals), via orjson."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response

from entrypoints.render import to_jsonable


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(to_jsonable(value)), status, headers=headers, media_type="application/json")
