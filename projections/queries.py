"""Queries over the read models: groups, pending requests, sponsorships, audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from projections.tables import audit_trail, groups, held_rejections, managers, memberships, sponsorships


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def group_rows(connection: Connection) -> list[dict[str, Any]]:
    managed: dict[str, list[str]] = {}
    for row in connection.execute(select(managers).order_by(managers.c.manager_id)):
        managed.setdefault(row.group_id, []).append(row.manager_id)
    rows = connection.execute(select(groups).order_by(groups.c.requested_at, groups.c.slug)).mappings()
    return [
        dict(row) | {"managers": managed.get(row["group_id"], []), "last_activity": aware(row["last_activity"])}
        for row in rows
    ]


def group_id_of(connection: Connection, slug: str) -> str | None:
    return connection.execute(select(groups.c.group_id).where(groups.c.slug == slug)).scalar()


def pending_requests(connection: Connection, on: datetime) -> list[dict[str, Any]]:
    query = (
        select(groups.c.slug, memberships.c.member_id, memberships.c.requested_at)
        .join(groups, groups.c.group_id == memberships.c.group_id)
        .where(memberships.c.status == "pending")
        .order_by(memberships.c.requested_at)
    )
    return [
        {"group": r.slug, "member": r.member_id, "requested_at": aware(r.requested_at),
         "waiting_days": (on - aware(r.requested_at)).days}  # fmt: skip
        for r in connection.execute(query)
    ]


def review_queue(connection: Connection, on: datetime) -> list[dict[str, Any]]:
    """§9: the rejections held for the OAR's review, oldest first (the OAR's pending items)."""
    query = (
        select(groups.c.slug, held_rejections)
        .join(groups, groups.c.group_id == held_rejections.c.group_id)
        .where(held_rejections.c.status == "held")
        .order_by(held_rejections.c.held_at)
    )
    return [
        {"group": r["slug"], "member": r["member_id"], "held_at": aware(r["held_at"]), "held_by": r["held_by"],
         "criterion": r["criterion"], "reason": r["reason"], "grounds": list(r["grounds"]),
         "waiting_days": (on - aware(r["held_at"])).days}  # fmt: skip
        for r in connection.execute(query).mappings()
    ]


def sponsorship_register(connection: Connection) -> list[dict[str, Any]]:
    query = (
        select(groups.c.slug, sponsorships)
        .join(groups, groups.c.group_id == sponsorships.c.group_id)
        .order_by(sponsorships.c.updated_at)
    )
    rows = []
    for row in connection.execute(query).mappings():
        failed = [f["rule"] for f in row["screening"] if not f["passed"]]
        rows.append({"group": row["slug"], "event": row["gathering"], "sponsorship": row["sponsorship"],
                     "sponsor": row["sponsor"], "sector": row["sector"], "status": row["status"],
                     "screening": "passed" if not failed else "failed: " + ", ".join(failed),
                     "clause": row["clause"], "decided_by": row["decided_by"]})  # fmt: skip
    return rows


AUDIT_COLUMNS = ("position", "event_id", "group", "version", "time", "actor_id", "actor_role",
                 "actor_auth_method", "actor_auth_issuer", "action", "reason", "clause", "policy_pack",
                 "policy_version", "event_hash")  # fmt: skip


def last_applied_position(connection: Connection) -> int:
    """The ledger position of the newest event applied to the read models (0: none yet)."""
    return connection.execute(select(func.max(audit_trail.c.position))).scalar() or 0


def audit_page(connection: Connection, group_id: str | None, page: int, size: int) -> tuple[list[dict], int]:
    """One page of the audit trail (oldest first) and the total number of rows."""
    where = [] if group_id is None else [audit_trail.c.group_id == group_id]
    total = connection.execute(select(func.count()).select_from(audit_trail).where(*where)).scalar() or 0
    query = _audit_query().where(*where).offset((page - 1) * size).limit(size)
    return [_audit_row(r) for r in connection.execute(query).mappings()], total


def audit_after(connection: Connection, group_id: str | None, after: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` audit rows after ledger position ``after`` (keyset pagination)."""
    query = _audit_query().where(audit_trail.c.position > after).limit(limit)
    if group_id is not None:
        query = query.where(audit_trail.c.group_id == group_id)
    return [_audit_row(r) for r in connection.execute(query).mappings()]


def audit_rows(connection: Connection, group_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Every audit row in ledger order, streamed (for exports and verification)."""
    query = _audit_query()
    if group_id is not None:
        query = query.where(audit_trail.c.group_id == group_id)
    for row in connection.execution_options(yield_per=1000).execute(query).mappings():
        yield _audit_row(row)


def _audit_query():
    return (
        select(audit_trail, groups.c.slug)
        .join(groups, groups.c.group_id == audit_trail.c.group_id, isouter=True)
        .order_by(audit_trail.c.position)
    )


def _audit_row(row: Any) -> dict[str, Any]:
    return {"position": row["position"], "event_id": row["event_id"], "group": row["slug"],
            "version": row["version"], "time": aware(row["time"]), "actor_id": row["actor_id"],
            "actor_role": row["actor_role"], "actor_auth_method": row["actor_auth_method"],
            "actor_auth_issuer": row["actor_auth_issuer"], "action": row["action"], "reason": row["reason"],
            "clause": row["clause"], "policy_pack": row["policy_pack"], "policy_version": row["policy_version"],
            "event_hash": row["event_hash"], "details": row["details"]}  # fmt: skip
