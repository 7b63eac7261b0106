"""Write ``written_before.jsonl``: the events a fixed run of commands stored, as the ledger wrote
them before the write path was reworked (issue 13: one JSON dump per event, shared by the
hash and the stored state; orjson for the hash's canonical bytes; the save without
eventsourcing's ``Recording`` objects). ``tests/unit/service/test_stored_bytes.py`` runs the
same commands with today's code and compares every stored byte.

It was written from commit 17b0ce2 (the last one before that rework):

    mkdir /tmp/before && git archive 17b0ce2 | tar -x -C /tmp/before
    cd /tmp/before && PYTHONPATH=. /path/to/.venv/bin/python \\
        /path/to/tests/data/stored_events/make_fixture.py /path/to/tests/data/stored_events

(``PYTHONPATH=.``: the virtual environment's editable install points at today's code.)

The run: the demo year (every group event type it records, CERN and LSE packs, refusals in
between) on a simulated clock, then one group of the commands benchmark with awkward text.
Each line is one stored event: notification id, originator id and version, topic, and the
state as UTF-8 text (the stored bytes, exactly: ``state.encode()``).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from domain import commands as c
from domain.actors import Actor
from entrypoints.demo.script import DemoRun
from entrypoints.demo.year import run_year
from infra.clock import SimulatedClock
from service.ledger import LedgerApplication

START = datetime(2025, 1, 6, tzinfo=UTC)
AWKWARD = 'Zoë\'s "group" \\ — 日本 😀 </script> \u2028'


def awkward_group() -> list[c.GroupCommand]:
    """Five commands on one group, text with escapes and non-ASCII characters."""
    founder, manager = Actor(id="m-1001", role="member"), Actor(id="m-1001", role="manager")
    oar = Actor(id="oar-1", role="oar")
    return [
        c.RequestGroup(actor=founder, group="awkward", name=f"Awkward {AWKWARD}", group_type="other",
                       managed_by="alumni", visibility="public", objectives=f"Objectives: {AWKWARD}",
                       proposed_managers=(founder.id,)),  # fmt: skip
        c.AppointManager(actor=manager, group="awkward", manager="m-1002"),
        c.ApproveGroup(actor=oar, group="awkward", reason=f"two managers, {AWKWARD}"),
        c.JoinGroup(actor=Actor(id="a-101", role="member"), group="awkward"),
        c.JoinGroup(actor=Actor(id="a-102", role="member"), group="awkward"),
    ]


def record(cache_size: int) -> list[dict]:
    """Run the commands; return every stored event, in ledger order."""
    clock = SimulatedClock(START)
    app = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock, cache_size=cache_size)
    run_year(DemoRun(app=app, clock=clock, suffix="bytes"))
    for command in awkward_group():
        clock.advance(minutes=1)
        app.execute(command)
    return [
        {"id": n.id, "originator_id": str(n.originator_id), "originator_version": n.originator_version,
         "topic": n.topic, "state": n.state.decode("utf-8")}
        for n in app.recorder.select_notifications(1, 100_000)
    ]  # fmt: skip


def main(out: Path) -> None:
    lines = record(cache_size=0)
    target = out / "written_before.jsonl"
    target.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    print(f"{len(lines)} stored events written to {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
