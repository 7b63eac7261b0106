"""Do two projection databases hold the same state? (After a replay, they must.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from projections.queries import aware
from projections.tables import STATE_TABLES


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[Any, ...]
    detail: str


def compare(left: Engine, right: Engine, limit: int = 20) -> list[Difference]:
    """Differences between the state tables of two projections (bookkeeping excluded)."""
    found: list[Difference] = []
    for table in STATE_TABLES:
        for difference in _table_differences(table, left, right):
            found.append(difference)
            if len(found) >= limit:
                return found
    return found


def _table_differences(table: Any, left: Engine, right: Engine) -> Iterator[Difference]:
    a, b = _rows(table, left), _rows(table, right)
    for key in sorted(a.keys() | b.keys(), key=str):
        if key not in b:
            yield Difference(table.name, key, "only in the first")
        elif key not in a:
            yield Difference(table.name, key, "only in the second")
        elif a[key] != b[key]:
            columns = [c for c in a[key] if a[key][c] != b[key][c]]
            yield Difference(table.name, key, f"differs in {', '.join(columns)}: {[a[key][c] for c in columns]} vs {[b[key][c] for c in columns]}")


def _rows(table: Any, engine: Engine) -> dict[tuple[Any, ...], dict[str, Any]]:
    key_columns = [c.name for c in table.primary_key.columns]
    with engine.connect() as connection:
        rows = connection.execute(select(table)).mappings().all()
    return {tuple(r[k] for k in key_columns): {k: _normal(v) for k, v in r.items()} for r in rows}


def _normal(value: Any) -> Any:
    return aware(value) if hasattr(value, "tzinfo") and hasattr(value, "hour") else value
