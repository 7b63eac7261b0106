"""A plain eventsourcing aggregate and application: what "eventsourcing appending equivalent
events, nothing of the ledger's" means (the commands benchmark's former baseline, still
printed, and its what-ifs)."""

from __future__ import annotations

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.harness import stopwatch

COMMANDS_PER_GROUP = 5

HASH = "0123456789abcdef" * 4
"""Stands for a SHA-256 hex digest: plain events carry two, like ledger events."""


class PlainGroup(Aggregate):
    """A plain eventsourcing aggregate whose events carry what a ledger event carries (actor,
    role, clause, reason, two hashes, the payload), without rules or a real hash chain."""

    @event("Requested")
    def __init__(self, slug: str, name: str, objectives: str, managers: list[str], actor_id: str,
                 actor_role: str, clause: str, previous_hash: str, event_hash: str) -> None:  # fmt: skip
        self.slug, self.name, self.objectives = slug, name, objectives
        self.managers, self.members = list(managers), []

    @event("MemberJoined")
    def join(self, member_id: str, actor_id: str, actor_role: str, clause: str, reason: str | None,
             previous_hash: str, event_hash: str) -> None:  # fmt: skip
        self.members.append(member_id)


def plain_group(label: str, i: int) -> PlainGroup:
    return PlainGroup(f"bench-{label}-{i:05d}", f"Benchmark group {label}-{i}",
                      "Measure the command path of the audit ledger", ["m-1001"], "m-1001",
                      "member", "CERN-AG §4", HASH, HASH)  # fmt: skip


def plain_join(group: PlainGroup, step: int) -> None:
    group.join(f"a-{step}", f"a-{step}", "member", "CERN-AG §9", None, HASH, HASH)


class PlainBaseline(Application):
    name = "BenchPlain"


def run_plain(app: PlainBaseline, label: str, start: int, groups: int,
              reload: bool = True) -> tuple[int, int, float]:  # fmt: skip
    """Without the ledger: create and save a plain aggregate, then four more events, each
    saved on its own (one transaction each); ``reload``: read it back (``repository.get``)
    before each one, else keep it in memory."""
    events = 0
    with stopwatch() as elapsed:
        for i in range(start, start + groups):
            group = plain_group(label, i)
            app.save(group)
            for step in range(COMMANDS_PER_GROUP - 1):
                if reload:
                    group = app.repository.get(group.id)
                plain_join(group, step)
                app.save(group)
            events += COMMANDS_PER_GROUP
    return events, events, elapsed()


def run_plain_append(app: PlainBaseline, label: str, start: int, groups: int) -> tuple[int, int, float]:
    """The goal's baseline: eventsourcing appending equivalent events, no read."""
    return run_plain(app, label, start, groups, reload=False)
