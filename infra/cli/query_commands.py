"""Queries: a group's current state, its history, the groups, the refusal log."""

from __future__ import annotations

from typing import Annotated

import typer

from infra.cli.context import state
from infra.cli.options import GroupSlug
from infra.cli.render import out, print_json, table
from infra.queries import group_state, history_row

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def show(ctx: typer.Context, group: GroupSlug, as_json: Json = False) -> None:
    """Current state of a group, rebuilt from its events, with compliance flags."""
    ledger = state(ctx).ledger
    view = group_state(ledger.app.group(group), ledger.app.clock())
    if as_json or state(ctx).json_output:
        print_json(view)
        return
    out.print(f"[bold]{view['name']}[/bold] ({view['group']}), {view['status'].value}")
    for key in ("type", "managed_by", "visibility", "policy_pack", "objectives", "membership_criteria",
                "managers", "last_activity", "version"):  # fmt: skip
        out.print(f"  {key.replace('_', ' ')}: {_plain(view[key])}")
    out.print(f"  members: {len(view['members'])}; pending requests: {len(view['pending_requests'])}")
    if view["events"]:
        rows = [[g["event"], g["title"], g["starts_at"], g["status"], g["lead_days"],
                 len(g["participants"]), ", ".join(f"{s}:{v}" for s, v in g["speakers"].items()),
                 ", ".join(f"{k}:{v['status']}" for k, v in g["sponsorships"].items())]
                for g in view["events"]]  # fmt: skip
        table("Events", ["event", "title", "starts", "status", "lead days", "participants", "speakers", "sponsors"], rows)
    for flag in view["compliance_flags"]:
        out.print(f"  [yellow]flag[/yellow] {flag.rule} ({flag.clause}): {flag.detail}")


def history(ctx: typer.Context, group: GroupSlug, as_json: Json = False) -> None:
    """Every event of a group in order: time, actor, role, action, reason, clause."""
    rows = [history_row(event) for event in state(ctx).ledger.app.group_events(group)]
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table(
        f"History of {group}",
        ["v", "time", "actor", "role", "action", "reason", "clause"],
        [[r["version"], r["time"], r["actor"], r["role"], r["action"], r["reason"], r["clause"]] for r in rows],
    )


def groups(ctx: typer.Context, as_json: Json = False) -> None:
    """Every group in the ledger with its status."""
    app = state(ctx).ledger.app
    views = [group_state(app.group(slug), app.clock()) for slug in app.group_slugs()]
    if as_json or state(ctx).json_output:
        print_json([{k: v[k] for k in ("group", "name", "status", "visibility", "managers")} | {"members": len(v["members"])} for v in views])
        return
    table("Groups", ["group", "name", "status", "visibility", "managers", "members", "flags"],
          [[v["group"], v["name"], v["status"], v["visibility"], v["managers"], len(v["members"]),
            len(v["compliance_flags"])] for v in views])  # fmt: skip


def refusals(ctx: typer.Context, as_json: Json = False) -> None:
    """Refused commands, kept for audit (no ledger event was written for them)."""
    rows = [refusal for _, refusal in state(ctx).ledger.refusals.since(0)]
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table("Refused commands", ["time", "actor", "role", "command", "group", "rule", "clause"],
          [[r.at, r.actor_id, r.actor_role, r.command, r.group_slug, r.rule, r.clause] for r in rows])  # fmt: skip


def _plain(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    return str(getattr(value, "value", value))
