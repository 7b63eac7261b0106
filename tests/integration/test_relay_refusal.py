"""A stored event the broker will never take (issue 15, item 2).

Before, one oversized event blocked the relay for good behind "broker unavailable". Then it
was recorded and skipped, which dropped an accepted event from the topic and left a version
gap in its group. Now any refusal for good stops the relay — ``relay --once`` and follow mode
alike — with exit 7 naming the position, the group and the reason: everything before it is
published and recorded, nothing after it is sent, the refusal is recorded (``relay_refusals``)
and logged, and ``verify`` reports it. The next start sends the same event again; once the
limit was raised and the broker takes it, the refusal is marked resolved (the row is kept)
and ``verify`` no longer reports it.

The oversized event is stored the way an old ledger (before the size limits at the edge)
stored it: a GroupRequested with 600 criteria of 2,000 characters (~1.2 MB), built by the
domain from a command that skips validation, and saved by the application. The refusal is
the real one of the Kafka client: a message larger than the producer's
``max_request_size`` (``OAR_KAFKA_MAX_MESSAGE_BYTES``, 1 MiB by default), which Apache Kafka's
own client enforces the same way. Raising it to 4 MiB is the operator's fix (with the topic's
``max.message.bytes``; the development broker takes such a message as it is).
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from test_relay_support import (
    create_topics,
    on_topic,
    open_ledger,
    play_demo_year,
    positions_of,
    read_topic,
    run_cli,
    start_cli,
    stored_count,
    wait_for,
)

from domain import commands as c
from domain.actors import Actor
from domain.aggregates.group import Group
from domain.values import GroupType, ManagedBy, PackName, Visibility
from entrypoints.cli.errors import ExitCode
from infra.kafka.relay_state import RelayStateStore

pytestmark = pytest.mark.integration

RAISED = {"OAR_KAFKA_MAX_MESSAGE_BYTES": str(4 * 1_048_576)}
"""The operator's fix: a size limit above the refused event's."""


def store_oversized_group(ledger, clock, slug: str) -> int:
    """Store a ~1.2 MB GroupRequested; its ledger position."""
    command = c.RequestGroup.model_construct(  # no validation: today's limits would refuse it
        actor=Actor(id="m-1", role="member"), group=slug, name=f"Group {slug}",
        group_type=GroupType.SCIENTIFIC_COLLABORATION, managed_by=ManagedBy.ALUMNI, visibility=Visibility.PRIVATE,
        objectives="Scientific exchange among alumni.", membership_criteria=tuple("x" * 2000 for _ in range(600)),
        proposed_managers=("m-1", "m-2"), policy_pack=PackName("cern"),
    )  # fmt: skip
    ledger.app.save(Group.request(command, clock()))
    return stored_count(ledger)


def check_stopped_on_it(ledger, settings, bootstrap: str, topic: str, position: int, output: str) -> None:
    """The relay stopped on the refused event: named with its group and reason, recorded as an
    unresolved refusal; everything before it on the topic and recorded, nothing after it."""
    state = RelayStateStore(ledger.engine, settings.ledger_topic)
    [refusal] = state.refusals()
    assert refusal.position == position and "MessageSizeTooLargeError" in refusal.error
    assert refusal.resolved_at is None and refusal.group_id
    assert f"position {position} (group {refusal.group_id})" in output and "MessageSizeTooLargeError" in output, output
    assert "unavailable" not in output and "Traceback" not in output and "skipped" not in output, output
    assert state.load().position == position - 1
    records = read_topic(bootstrap, topic, lambda r: len(set(positions_of(r))) >= position - 1)
    assert sorted(set(positions_of(records))) == list(range(1, position))  # no later event on the topic


def check_all_published_and_resolved(ledger, settings, bootstrap: str, topic: str, position: int, total: int) -> None:
    state = RelayStateStore(ledger.engine, settings.ledger_topic)
    assert state.load().position == total
    [refusal] = state.refusals()  # the row is kept, resolved
    assert refusal.position == position and refusal.resolved_at is not None
    assert state.refusals(unresolved=True) == []
    records = read_topic(bootstrap, topic, lambda r: len(set(positions_of(r))) >= total)
    assert sorted(set(positions_of(records))) == list(range(1, total + 1))


@pytest.fixture
def oversized(settings, clock, dev_broker, unique_topic, tmp_path):
    """A ledger with good events, one oversized event, then more good events."""
    settings = on_topic(settings, unique_topic, var_dir=tmp_path / "var")
    create_topics(settings, dev_broker.bootstrap_servers)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "ok1")
        position = store_oversized_group(ledger, clock, "too-large")
        play_demo_year(ledger, clock, "ok2")  # after it: must not be published before it
        yield settings, ledger, position, stored_count(ledger)


def test_relay_once_stops_on_a_refused_event_retries_it_and_resolves_it_once_taken(
    oversized, dev_broker, unique_topic, tmp_path
):
    settings, ledger, position, total = oversized
    bootstrap = dev_broker.bootstrap_servers

    done = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path, timeout=90)

    assert done.returncode == ExitCode.INTEGRITY, (done.stdout, done.stderr)
    check_stopped_on_it(ledger, settings, bootstrap, unique_topic, position, done.stderr)
    assert "OAR_KAFKA_MAX_MESSAGE_BYTES" in done.stderr  # how to fix it

    again = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path, timeout=90)
    assert again.returncode == ExitCode.INTEGRITY, (again.stdout, again.stderr)  # tried again, refused again
    check_stopped_on_it(ledger, settings, bootstrap, unique_topic, position, again.stderr)

    verify = run_cli(["verify"], settings, bootstrap, cwd=tmp_path, timeout=120)
    assert verify.returncode == ExitCode.INTEGRITY, (verify.stdout, verify.stderr)
    assert f"position {position}" in verify.stdout and "refused by the broker" in verify.stdout, verify.stdout

    fixed = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path, timeout=90, **RAISED)
    assert fixed.returncode == 0, (fixed.stdout, fixed.stderr)
    check_all_published_and_resolved(ledger, settings, bootstrap, unique_topic, position, total)

    verify = run_cli(["verify"], settings, bootstrap, cwd=tmp_path, timeout=120)
    assert "no unresolved refusal" in verify.stdout and "refused by the broker" not in verify.stdout, verify.stdout


def test_relay_follow_stops_on_a_refused_event_with_exit_7(oversized, dev_broker, unique_topic, tmp_path: Path):
    settings, ledger, position, total = oversized
    bootstrap = dev_broker.bootstrap_servers
    log = tmp_path / "relay.log"
    # PYTHONFAULTHANDLER: a crash on the way out (once seen: SIGSEGV after SIGTERM) leaves its trace in the log
    relay = start_cli(["relay"], settings, bootstrap, cwd=tmp_path, log=log, PYTHONFAULTHANDLER="1")
    try:
        assert relay.wait(90) == ExitCode.INTEGRITY, log.read_text()  # follow mode stops, never loops
    finally:
        if relay.poll() is None:
            relay.kill()
    check_stopped_on_it(ledger, settings, bootstrap, unique_topic, position, log.read_text())
    assert "the relay stops" in log.read_text()  # logged, besides the exit message

    log2 = tmp_path / "relay-raised.log"
    relay = start_cli(["relay"], settings, bootstrap, cwd=tmp_path, log=log2, PYTHONFAULTHANDLER="1", **RAISED)
    try:
        state = RelayStateStore(ledger.engine, settings.ledger_topic)
        wait_for(lambda: state.load().position >= total, 60, "the relay publishing the event once taken")
        assert relay.poll() is None, log2.read_text()
    finally:
        relay.send_signal(signal.SIGTERM)
        assert relay.wait(30) == 0, log2.read_text()
    check_all_published_and_resolved(ledger, settings, bootstrap, unique_topic, position, total)
