"""Queries: a group's current state, its history, the groups, the refusal log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from entrypoints.cli.context import state
from entrypoints.cli.errors import CliError
from entrypoints.cli.options import GroupSlug
from entrypoints.render import line, print_json, table, visible
from service.history import RefusalQuery, find_refusals, group_state, history_row

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


AsOf = Annotated[str | None, typer.Option("--as-of", help="ISO 8601 moment with offset: the state then.")]
From = Annotated[str | None, typer.Option("--from", help="ISO 8601 moment with offset: from then on.")]
To = Annotated[str | None, typer.Option("--to", help="ISO 8601 moment with offset: up to then.")]


def moment(value: str | None, option: str) -> datetime | None:
    """Parse an ISO 8601 moment; an offset is required, since ledger time is UTC."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"invalid {option}: {value!r} is not an ISO 8601 moment") from None
    if parsed.tzinfo is None:
        raise CliError(f"invalid {option}: {value!r} needs an offset, e.g. 2025-06-01T00:00+00:00")
    return parsed


def show(ctx: typer.Context, group: GroupSlug, as_of: AsOf = None, as_json: Json = False) -> None:
    """Current state of a group (or its state --as-of a past moment), rebuilt from
    its events in the ledger, with the compliance flags of that moment."""
    ledger = state(ctx).ledger
    when = moment(as_of, "--as-of")
    aggregate = ledger.app.group_as_of(group, when) if when else ledger.app.group(group)
    view = group_state(aggregate, when or ledger.app.clock())
    if as_json or state(ctx).json_output:
        print_json(view)
        return
    line(f"{visible(view['name'], one_line=True)} ({view['group']}), {view['status'].value}", style="bold")
    for key in ("type", "managed_by", "visibility", "policy_pack", "policy_version", "objectives", "membership_criteria",
                "managers", "last_activity", "version"):  # fmt: skip
        line(f"  {key.replace('_', ' ')}: {visible(_plain(view[key]), one_line=True)}")
    line(f"  members: {len(view['members'])}; pending requests: {len(view['pending_requests'])}; "
         f"rejections held for OAR review: {len(view['held_rejections'])}")
    if view["events"]:
        rows = [[g["event"], g["title"], g["starts_at"], g["status"], g["lead_days"],
                 len(g["participants"]), ", ".join(f"{s}:{v}" for s, v in g["speakers"].items()),
                 ", ".join(f"{k}:{v['status']}" for k, v in g["sponsorships"].items())]
                for g in view["events"]]  # fmt: skip
        table("Events", ["event", "title", "starts", "status", "lead days", "participants", "speakers", "sponsors"], rows)
    for flag in view["compliance_flags"]:
        line(f"  flag {flag.rule} ({flag.clause}): {visible(flag.detail, one_line=True)}")


def history(
    ctx: typer.Context, group: GroupSlug, since: From = None, until: To = None, as_json: Json = False
) -> None:
    """Every event of a group in order: event id, time, subject (whom the decision was
    about), actor, role, how the actor signed in, action, reason, clause (optionally only
    those --from/--to the given moments)."""
    start, end = moment(since, "--from"), moment(until, "--to")
    if start is not None and end is not None and start > end:
        raise CliError(f"invalid --from: {since} is after --to {until}")
    rows = [
        history_row(event, group)
        for event in state(ctx).ledger.app.group_events(group)
        if (start is None or event.timestamp >= start) and (end is None or event.timestamp <= end)
    ]
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table(
        f"History of {group} (prove an event with `oar-ledger prove EVENT_ID`)",
        ["event id", "v", "time", "subject", "actor", "role", "signed in", "action", "reason", "clause", "policy"],
        [[r["event_id"], r["version"], r["time"], r["subject"], r["actor"], r["role"], r["signed_in_with"],
          r["action"], r["reason"], r["clause"], r["policy"]] for r in rows],
    )


Filter = Annotated[str | None, typer.Option(help="Only refusals with exactly this value.")]


def refusals(
    ctx: typer.Context, group: Filter = None, actor: Filter = None, rule: Filter = None, clause: Filter = None,
    since: From = None, until: To = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many (oldest first).")] = 10_000,
    as_json: Json = False,
) -> None:
    """Refused commands, kept for audit (no ledger event was written for them): time, actor,
    role, command, group, rule, clause and the message; filter by group, actor, rule, clause
    and time (--from/--to)."""
    start, end = moment(since, "--from"), moment(until, "--to")
    if start is not None and end is not None and start > end:
        raise CliError(f"invalid --from: {since} is after --to {until}")
    where = RefusalQuery(group, actor, rule, clause, start, end, limit)
    rows = find_refusals(state(ctx).ledger.refusals, where)
    if as_json or state(ctx).json_output:
        print_json(rows)
        return
    table("Refused commands", ["time", "actor", "role", "command", "group", "rule", "clause", "message"],
          [[r.at, r.actor_id, r.actor_role, r.command, r.group_slug, r.rule, r.clause, r.message] for r in rows])  # fmt: skip


def _plain(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    return str(getattr(value, "value", value))
