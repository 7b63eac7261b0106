"""A stored event the broker will never take (issue 15, item 2): the relay stops with exit 7
naming the position and the reason, instead of retrying it forever as "broker unavailable".

The oversized event is stored the way an old ledger (before the size limits at the edge)
stored it: a GroupRequested with 600 criteria of 2,000 characters (~1.2 MB), built by the
domain from a command that skips validation, and saved by the application. The refusal is
the real one of the Kafka client: a message larger than the producer's
``max_request_size`` (1 MiB), which Apache Kafka's own client enforces the same way.
"""

from __future__ import annotations

import pytest
from test_relay_support import (
    create_topics,
    on_topic,
    open_ledger,
    play_demo_year,
    positions_of,
    read_topic,
    run_cli,
    stored_count,
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


@pytest.mark.parametrize("mode", [["relay", "--once"], ["relay"]], ids=["once", "follow"])
def test_an_event_the_broker_refuses_stops_the_relay_with_exit_7_naming_it(
    settings, clock, dev_broker, unique_topic, tmp_path, mode
):
    settings = on_topic(settings, unique_topic, var_dir=tmp_path / "var")
    bootstrap = dev_broker.bootstrap_servers
    create_topics(settings, bootstrap)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "ok1")
        position = store_oversized_group(ledger, clock, "too-large")
        play_demo_year(ledger, clock, "ok2")  # after it: must not be published out of order

        done = run_cli(mode, settings, bootstrap, cwd=tmp_path, timeout=90)  # follow mode must not loop

        assert done.returncode == ExitCode.INTEGRITY, (done.stdout, done.stderr)
        assert f"position {position}" in done.stderr and "MessageSizeTooLargeError" in done.stderr, done.stderr
        assert "unavailable" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        # everything before it is published and recorded, nothing after it
        assert RelayStateStore(ledger.engine, settings.ledger_topic).load().position == position - 1
    records = read_topic(bootstrap, unique_topic, lambda r: len(r) >= position - 1)
    assert sorted(set(positions_of(records))) == list(range(1, position))
