"""A stored event the broker will never take (issue 15, item 2).

Before, one oversized event blocked the relay for good behind "broker unavailable", so no
later event ever reached Kafka or the projections. Now a message refused as too large is
recorded as a refusal (position, group, error), named on stderr (``relay --once`` exits 7)
or in the log (follow mode keeps running), and skipped, so later events flow; ``verify``
reports it. Never silently dropped.

The oversized event is stored the way an old ledger (before the size limits at the edge)
stored it: a GroupRequested with 600 criteria of 2,000 characters (~1.2 MB), built by the
domain from a command that skips validation, and saved by the application. The refusal is
the real one of the Kafka client: a message larger than the producer's
``max_request_size`` (1 MiB), which Apache Kafka's own client enforces the same way.
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


def check_skipped_and_recorded(ledger, settings, bootstrap: str, topic: str, position: int, total: int) -> None:
    """Every event but the refused one is on the topic; the refusal is recorded; all handled."""
    state = RelayStateStore(ledger.engine, settings.ledger_topic)
    assert state.load().position == total  # later events were published and acknowledged
    [refusal] = state.refusals()
    assert refusal.position == position and "MessageSizeTooLargeError" in refusal.error
    assert refusal.group_id  # the group the refused event belongs to
    records = read_topic(bootstrap, topic, lambda r: len(set(positions_of(r))) >= total - 1)
    assert sorted(set(positions_of(records))) == [p for p in range(1, total + 1) if p != position]


@pytest.fixture
def oversized(settings, clock, dev_broker, unique_topic, tmp_path):
    """A ledger with good events, one oversized event, then more good events."""
    settings = on_topic(settings, unique_topic, var_dir=tmp_path / "var")
    create_topics(settings, dev_broker.bootstrap_servers)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "ok1")
        position = store_oversized_group(ledger, clock, "too-large")
        play_demo_year(ledger, clock, "ok2")  # after it: must still be published
        yield settings, ledger, position, stored_count(ledger)


def test_relay_once_skips_a_refused_event_records_it_and_exits_7(oversized, dev_broker, unique_topic, tmp_path):
    settings, ledger, position, total = oversized
    bootstrap = dev_broker.bootstrap_servers

    done = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path, timeout=90)

    assert done.returncode == ExitCode.INTEGRITY, (done.stdout, done.stderr)
    assert f"position {position}" in done.stderr and "MessageSizeTooLargeError" in done.stderr, done.stderr
    assert "REFUSED" in done.stderr and "skipped" in done.stderr, done.stderr
    assert "unavailable" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    check_skipped_and_recorded(ledger, settings, bootstrap, unique_topic, position, total)

    again = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path, timeout=90)
    assert again.returncode == 0, (again.stdout, again.stderr)  # nothing new: the refusal is not retried
    assert len(RelayStateStore(ledger.engine, settings.ledger_topic).refusals()) == 1

    verify = run_cli(["verify"], settings, bootstrap, cwd=tmp_path, timeout=120)
    assert verify.returncode == ExitCode.INTEGRITY, (verify.stdout, verify.stderr)
    assert f"position {position}" in verify.stdout and "refused by the broker" in verify.stdout, verify.stdout


def test_relay_follow_logs_a_refused_event_and_keeps_publishing(oversized, dev_broker, unique_topic, tmp_path: Path):
    settings, ledger, position, total = oversized
    bootstrap = dev_broker.bootstrap_servers
    log = tmp_path / "relay.log"
    # PYTHONFAULTHANDLER: a crash on the way out (once seen: SIGSEGV after SIGTERM) leaves its trace in the log
    relay = start_cli(["relay"], settings, bootstrap, cwd=tmp_path, log=log, PYTHONFAULTHANDLER="1")
    try:
        state = RelayStateStore(ledger.engine, settings.ledger_topic)
        wait_for(lambda: state.load().position >= total, 60, "the relay publishing past the refused event")
        assert relay.poll() is None, log.read_text()  # follow mode does not stop on a refusal
        text = log.read_text()
        assert f"position {position}" in text and "MessageSizeTooLargeError" in text and "skipped" in text, text
        assert "unavailable" not in text and "Traceback" not in text, text
    finally:
        relay.send_signal(signal.SIGTERM)
        assert relay.wait(30) == 0, log.read_text()
    check_skipped_and_recorded(ledger, settings, bootstrap, unique_topic, position, total)
