"""Helpers shared by the ``test_projector_*`` modules (no tests here).

Imported the way ``test_relay_support`` is: pytest puts this folder on ``sys.path``.
Against Tansu, topics are read by counting messages and by the high watermark of the
fetch responses, never ``end_offsets()`` (see ``DEV-BROKER.md``).
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import Engine, func, select

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.events.base import LedgerEvent
from bootstrap import Ledger, build_ledger, build_projector
from infra.kafka.config import kafka_client_config, topic_specs
from infra.kafka.topics import TopicSpec, ensure_topics
from infra.settings import Settings
from projections.queries import aware
from projections.tables import (
    audit_trail,
    consumer_offsets,
    gatherings,
    groups,
    managers,
    memberships,
    participants,
    social_media_reports,
    speakers,
    sponsorships,
)

OAR = Actor(id="oar-1", role="oar")


def member(person: str) -> Actor:
    return Actor(id=person, role="member")


def manager(person: str) -> Actor:
    return Actor(id=person, role="manager")


# -- topics and ledgers --------------------------------------------------------------------


def on_topic(settings: Settings, topic: str, **update: Any) -> Settings:
    return settings.model_copy(update={"ledger_topic": topic, "checkpoint_topic": f"{topic}.checkpoints", **update})


def create_topics(settings: Settings, bootstrap: str, *extra: TopicSpec) -> None:
    reports = ensure_topics(kafka_client_config(settings, bootstrap), [*topic_specs(settings), *extra])
    assert all(report.ok for report in reports), reports


@contextmanager
def open_ledger(settings: Settings, clock: Callable[[], datetime]) -> Iterator[Ledger]:
    ledger = build_ledger(settings, clock)
    try:
        yield ledger
    finally:
        ledger.close()


def stored(ledger: Ledger) -> list[tuple[int, LedgerEvent]]:
    """Every stored event with its ledger position, in position order."""
    found, start = [], 1
    while batch := ledger.app.recorder.select_notifications(start, 1000):
        found += [(n.id, ledger.app.mapper.to_domain_event(n)) for n in batch]
        start = batch[-1].id + 1
    return found


def project(settings: Settings, engine: Engine, bootstrap: str) -> int:
    """Apply what is on the topic (no consumer group), as `project --once` does."""
    projector = build_projector(settings, engine, bootstrap, use_group=False)
    try:
        return projector.run(threading.Event(), once=True)
    finally:
        projector.close()


def bulk_groups(ledger: Ledger, count: int, joins: int, start: datetime, prefix: str = "bulk") -> int:
    """``count`` public groups, each requested, approved and joined by ``joins`` members,
    saved one group at a time (fast: thousands of events in about a second)."""
    events = 0
    for i in range(count):
        slug, at = f"{prefix}-{i:04d}", start + timedelta(minutes=i)
        group = Group.request(c.RequestGroup(
            actor=member("m-1"), group=slug, name=f"Bulk group {i}", group_type="regional", managed_by="alumni",
            visibility="public", objectives="A group made in bulk for the tests", proposed_managers=("m-1", "m-2"),
        ), at)  # fmt: skip
        group.approve(c.ApproveGroup(actor=OAR, group=slug, reason="objectives are clear"), at)
        for j in range(joins):
            group.join(c.JoinGroup(actor=member(f"a-{j}"), group=slug), at + timedelta(seconds=j + 1))
        events += len(group.pending_events)
        ledger.app.save(group)
    return events


# -- reading and writing the topic ---------------------------------------------------------


def read_records(bootstrap: str, topic: str, expected: int, timeout: float = 20.0) -> list[Any]:
    """Exactly ``expected`` messages of ``topic`` from its start (every partition), by
    partition and offset; fails if more turn up once every partition is read to its end."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    records: list[Any] = []
    try:
        deadline = time.monotonic() + 10
        while not consumer.partitions_for_topic(topic):
            assert time.monotonic() < deadline, f"no metadata for {topic}"
            time.sleep(0.05)
        consumer.assign([TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))])
        consumer.seek_to_beginning()
        deadline = time.monotonic() + timeout
        while True:
            for batch in consumer.poll(timeout_ms=200).values():
                records += batch
            ends = [consumer.highwater(tp) for tp in consumer.assignment()]
            done = all(h is not None and consumer.position(tp) >= h for tp, h in zip(consumer.assignment(), ends))
            if len(records) >= expected and done:
                break
            assert time.monotonic() < deadline, f"read {len(records)} of {expected} messages of {topic}"
    finally:
        consumer.close()
    assert len(records) == expected, f"{len(records)} messages on {topic}, {expected} expected"
    return sorted(records, key=lambda r: (r.partition, r.offset))


def send_raw(bootstrap: str, topic: str, messages: list[tuple[int, bytes | None, bytes | None, list]]) -> None:
    """Produce (partition, key, value, headers) messages, in order, acknowledged."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        futures = [producer.send(topic, key=k, value=v, headers=h, partition=p) for p, k, v, h in messages]
        producer.flush()
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close()


# -- what the read models must say ---------------------------------------------------------


def rows(engine: Engine, table: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(table)))


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def offsets(engine: Engine, topic: str) -> dict[int, int]:
    return {r.partition: r.next_offset for r in rows(engine, consumer_offsets) if r.topic == topic}


def check_audit_trail(ledger: Ledger, engine: Engine) -> int:
    """One audit row per stored event, in position order, saying what the event says."""
    events = stored(ledger)
    with engine.connect() as connection:
        trail = list(connection.execute(select(audit_trail).order_by(audit_trail.c.position)))
    assert [r.position for r in trail] == [p for p, _ in events]
    for row, (position, event) in zip(trail, events, strict=True):
        assert (row.event_id, row.group_id, row.version, row.action, row.actor_id, row.actor_role, row.clause,
                row.reason, row.event_hash, aware(row.time)) == (
                str(event.event_id), str(event.originator_id), event.originator_version, type(event).__name__,
                event.actor_id, event.actor_role.value, event.clause, event.reason, event.event_hash,
                event.timestamp), position  # fmt: skip
    return len(trail)


def check_read_models(ledger: Ledger, engine: Engine) -> int:
    """The read models say what the aggregates (rebuilt from the store) say; returns the
    number of groups checked."""
    app = ledger.app
    by_group: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for table in (managers, memberships, gatherings, speakers, participants, sponsorships, social_media_reports):
        for row in rows(engine, table):
            by_group[row.group_id][table.name].append(row)
    last_position: dict[str, int] = {}
    for row in sorted(rows(engine, audit_trail), key=lambda r: r.position):
        last_position[row.group_id] = row.position
    group_rows = {r.slug: r for r in rows(engine, groups)}
    slugs = list(app.group_slugs())
    assert sorted(group_rows) == sorted(slugs)
    for slug in slugs:
        g, row = app.group(slug), group_rows[slug]
        mine = by_group[str(g.id)]
        assert row.group_id == str(g.id)
        assert (row.status, row.version, row.member_count, row.termination_requested) == (
            g.status.value, g.version, len(g.members), g.termination_requested), slug
        assert (row.name, row.group_type, row.managed_by, row.visibility, row.policy_pack, row.objectives) == (
            g.name, g.group_type.value, g.managed_by.value, g.visibility.value, g.policy_pack, g.objectives)
        assert list(row.membership_criteria) == list(g.membership_criteria)
        assert aware(row.last_activity) == g.last_activity, slug
        assert row.last_position == last_position[str(g.id)], slug
        assert {m.manager_id for m in mine["managers"]} == g.managers, slug
        status = {m.member_id: m.status for m in mine["memberships"]}
        assert {m for m, s in status.items() if s == "member"} == g.members, slug
        assert {m.member_id: aware(m.requested_at) for m in mine["memberships"] if m.status == "pending"} == dict(
            g.pending_requests), slug
        assert [(aware(r.reported_at), r.platform) for r in sorted(mine["social_media_reports"],
                key=lambda r: r.position)] == list(g.social_media_reports)  # fmt: skip
        projected = {r.gathering: r for r in mine["gatherings"]}
        assert set(projected) == set(g.gatherings), slug
        for name, gathering in g.gatherings.items():
            p = projected[name]
            assert (p.title, p.status, p.purpose, p.lead_days, p.listed_on, p.under_18_audience) == (
                gathering.title, gathering.status.value, gathering.purpose.value, gathering.lead_days,
                gathering.listed_on, gathering.under_18_audience), (slug, name)  # fmt: skip
            assert aware(p.starts_at) == gathering.starts_at, (slug, name, p.starts_at, gathering.starts_at)
            assert list(p.unregistered_attendees) == list(gathering.unregistered_attendees)
            seats = {r.member_id: r.attendance for r in mine["participants"] if r.gathering == name}
            assert set(seats) == gathering.participants, (slug, name)
            assert {m: a for m, a in seats.items() if a} == {m: a.value for m, a in gathering.attendance.items()}
            assert {r.speaker_id: r.status for r in mine["speakers"] if r.gathering == name} == gathering.speakers
            assert {r.sponsorship: (r.sponsor, r.sector, r.status) for r in mine["sponsorships"] if r.gathering == name} == {
                ref: (s.sponsor, s.sector.value, s.status) for ref, s in gathering.sponsorships.items()}  # fmt: skip
    return len(slugs)


# -- the oar-ledger console script ---------------------------------------------------------


def oar_ledger() -> str:
    import sys

    script = Path(sys.executable).with_name("oar-ledger")
    assert script.exists(), "the oar-ledger console script is not installed in this environment"
    return str(script)


def cli_env(settings: Settings, bootstrap: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of an ``oar-ledger`` process on ``settings`` (none of the caller's
    own OAR_* / KAFKA_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OAR_", "KAFKA_"))}
    env |= {"OAR_VAR_DIR": str(Path(settings.var_dir).resolve()), "OAR_LEDGER_TOPIC": settings.ledger_topic,
            "OAR_CHECKPOINT_TOPIC": settings.checkpoint_topic, "PYTHONUNBUFFERED": "1"}  # fmt: skip
    if bootstrap:
        env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
    if settings.uses_postgres:
        env["OAR_DATABASE_URL"] = str(settings.database_url)
        if settings.database_schema:
            env["OAR_DATABASE_SCHEMA"] = settings.database_schema
    return env | extra


def postgres_url_with_schema(url: str, schema: str) -> str:
    """A URL whose connections see ``schema`` (for `projections compare`)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
