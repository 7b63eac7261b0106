"""The demo's read side: project the published topic, then read what auditors read."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import Engine

from domain.compliance import Flag
from bootstrap import build_projection_engine, build_projector
from entrypoints.render import out, table
from infra.redaction import redact_url
from infra.settings import Settings
from projections.compliance import compliance_view
from projections.queries import audit_page, group_id_of
from projections.tables import read_models


def project_demo(settings: Settings, bootstrap: str, fresh_topic: bool) -> Engine:
    """Apply the topic to the read models. A fresh development broker means a new
    topic, so the read models are rebuilt from its first offset (a replay)."""
    engine = build_projection_engine(settings)
    if fresh_topic:
        read_models.drop_all(engine)
        read_models.create_all(engine)
    projector = build_projector(settings, engine, bootstrap, use_group=False)
    try:
        applied = projector.run(threading.Event(), once=True)
    finally:
        projector.close()
    out.print(f"Projected {applied} event(s) from the topic into {redact_url(settings.projection_url)}.")
    return engine


def demo_flags(engine: Engine, on: datetime, slugs: list[str]) -> list[Flag]:
    with engine.connect() as connection:
        return [flag for flag in compliance_view(connection, on) if flag.group in slugs]


def print_audit_sample(engine: Engine, slug: str, rows: int = 12) -> None:
    with engine.connect() as connection:
        page, total = audit_page(connection, group_id_of(connection, slug), 1, rows)
    table(f"Audit trail of {slug} (first {len(page)} of {total}, from the projections)",
          ["position", "time", "actor", "role", "action", "reason", "clause"],
          [[r["position"], r["time"], r["actor_id"], r["actor_role"], r["action"], r["reason"], r["clause"]] for r in page])  # fmt: skip
