"""A ledger filled fast with valid events: re-sealed clones of the demo year's groups,
inserted with the recorder (each clone a new aggregate, every hash and chain valid)."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC, datetime

from eventsourcing.persistence import StoredEvent

from bootstrap import Ledger
from domain.canonical import GENESIS_HASH, record_hash
from infra.clock import SimulatedClock
from infra.evidence.records import StoredRecord, from_notification


def templates(ledger: Ledger, clock: SimulatedClock) -> list[list[tuple[str, dict]]]:
    """The demo year's groups, each as its (topic, stored state) by version."""
    from entrypoints.demo.script import DemoRun
    from entrypoints.demo.year import run_year

    run_year(DemoRun(app=ledger.app, clock=clock, suffix="tmpl"))
    groups: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for n in ledger.app.recorder.select_notifications(1, 10_000):
        groups[str(n.originator_id)].append((n.topic, json.loads(n.state)))
    return list(groups.values())


def clone(group: list[tuple[str, dict]], topic_types: dict[str, str]) -> list[StoredEvent]:
    """The group's events under a new aggregate id, re-sealed: valid hashes and chain."""
    originator, previous, stored = uuid.uuid4(), GENESIS_HASH, []
    for version, (topic, template) in enumerate(group, start=1):
        state = template | {"previous_hash": previous}
        state["event_hash"] = ""
        record = StoredRecord(0, str(originator), version, topic_types[topic], state)
        state["event_hash"] = previous = record_hash(record.hash_record())
        stored.append(StoredEvent(originator, version, topic, json.dumps(state, separators=(",", ":")).encode()))
    return stored


class Filler:
    """Fills a ledger with re-sealed clones of the demo year's groups (``bench.verify``'s
    ``clone``, each clone under a slug of its own so that the read models accept it), and
    can grow it again later (the demo year is played once)."""

    def __init__(self, ledger: Ledger, clock: SimulatedClock) -> None:
        self.ledger = ledger
        self.groups = templates(ledger, clock)
        demo = ledger.app.recorder.select_notifications(1, 10_000)
        self.topic_types = {n.topic: from_notification(n).type_name for n in demo}

        self.clones = 0

    def renamed(self, group: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
        """The template under a slug of its own (the read models keep slugs unique)."""
        self.clones += 1
        return [(topic, state | {"slug": f"{state['slug']}-{self.clones}"} if "slug" in state else state)
                for topic, state in group]  # fmt: skip

    def fill(self, events: int) -> int:
        """Insert clones until the store holds at least ``events`` events; return the count."""
        recorder = self.ledger.app.recorder
        total, pending = recorder.max_notification_id() or 0, []
        while total < events:
            for group in self.groups:
                pending += clone(self.renamed(group), self.topic_types)
            if len(pending) >= 2000 or total + len(pending) >= events:
                recorder.insert_events(pending)
                total, pending = total + len(pending), []
        return total


def bench_clock() -> SimulatedClock:
    return SimulatedClock(datetime(2025, 12, 31, tzinfo=UTC))
