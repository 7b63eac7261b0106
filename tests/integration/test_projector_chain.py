"""The projector checks each group's hash chain as it applies (issue 15, item 14), and a
message it cannot apply stops ``project`` and ``replay`` with exit 7 and the reason, not a
traceback (item 9).

Forged messages are well formed (they decode and validate as events) and carry the next
version of a group: with a broken link, with content that no longer hashes to its
event_hash, or with a valid link, injected before the real next version (a fork: the
real one then differs from what was applied).
"""

from __future__ import annotations

import subprocess

import pytest
from test_projector_failures import message, run_once, two_groups, versions
from test_projector_support import cli_env, create_topics, member, oar_ledger, on_topic, open_ledger, rows, send_raw

from bootstrap import build_projection_engine
from consumers.failures import ProjectorStopped
from domain import commands as c
from entrypoints.cli.errors import ExitCode
from infra.kafka.envelope import encode
from infra.kafka.topics import TopicSpec
from projections.tables import stale_groups

pytestmark = pytest.mark.integration


def forged(event, **fields):
    """``event`` with ``fields`` changed, sealed again (a valid event_hash over its content)."""
    data = event.model_dump() | fields | {"event_hash": ""}
    return type(event).model_validate(data)


def raw(event, position: int = 9999) -> tuple[int, bytes, bytes, list]:
    return (0, *encode(event, position))


@pytest.fixture
def world(settings, clock, dev_broker, unique_topic):
    s = on_topic(settings, unique_topic, topic_partitions=1)
    create_topics(s, dev_broker.bootstrap_servers)
    with open_ledger(s, clock) as ledger:
        events = two_groups(ledger, clock)
        yield s, ledger, events, dev_broker.bootstrap_servers


def stops_at(s, bootstrap, offset: int, *words: str, applied: int = 5) -> None:
    """The projector stops at ``offset`` naming ``words``; alpha projected up to ``applied``."""
    engine = build_projection_engine(s)
    try:
        with pytest.raises(ProjectorStopped) as stopped:
            run_once(s, engine, bootstrap)
        text = str(stopped.value)
        assert f"partition 0 offset {offset}" in text and all(w in text for w in words), text
        assert versions(engine)["alpha"] == applied
    finally:
        engine.dispose()


def test_a_next_version_that_breaks_the_link_stops_the_projector(world):
    s, _, events, bootstrap = world
    alpha = events["alpha"]
    last = alpha[-1][1]
    fake = forged(last, originator_version=6, previous_hash=alpha[-2][1].event_hash, reason="forged")
    send_raw(bootstrap, s.ledger_topic, [message(e) for e in alpha] + [raw(fake)])
    stops_at(s, bootstrap, 5, "breaks the hash chain", "version 6")


def test_a_next_version_whose_content_does_not_hash_to_its_event_hash_stops_the_projector(world):
    s, _, events, bootstrap = world
    alpha = events["alpha"]
    last = alpha[-1][1]
    honest = forged(last, originator_version=6, previous_hash=last.event_hash)
    _, key, value, headers = raw(honest)
    altered = value.replace(honest.actor_id.encode(), b"a-evil")  # content changed, hash kept
    send_raw(bootstrap, s.ledger_topic, [message(e) for e in alpha] + [(0, key, altered, headers)])
    stops_at(s, bootstrap, 5, "does not hash to its event_hash")


def test_a_forged_next_version_is_caught_when_the_real_one_arrives(world, clock):
    s, ledger, events, bootstrap = world
    alpha = events["alpha"]
    last = alpha[-1][1]
    fake = forged(last, originator_version=6, previous_hash=last.event_hash, member_id="a-forged")
    clock.advance(minutes=1)
    ledger.app.execute(c.JoinGroup(actor=member("a-9"), group="alpha"))
    real = ledger.app.mapper.to_domain_event(ledger.app.recorder.select_notifications(1, 1000)[-1])
    assert real.originator_version == 6 and real.event_hash != fake.event_hash
    send_raw(bootstrap, s.ledger_topic, [message(e) for e in alpha] + [raw(fake), raw(real, 100)])
    # the forged version 6 came first and was applied: the real one exposes it
    stops_at(s, bootstrap, 6, "two different events claim one version", applied=6)


def test_with_a_dead_letter_topic_a_broken_chain_is_parked_and_the_group_marked_stale(
    sqlite_settings, clock, dev_broker, unique_topic
):
    bootstrap, dead_letters = dev_broker.bootstrap_servers, f"{unique_topic}.dead-letters"
    s = on_topic(sqlite_settings, unique_topic, topic_partitions=1, dead_letter_topic=dead_letters)
    create_topics(s, bootstrap, TopicSpec(dead_letters, 1, 1))
    with open_ledger(s, clock) as ledger:
        events = two_groups(ledger, clock)
    alpha, beta = events["alpha"], events["beta"]
    fake = forged(alpha[-1][1], originator_version=6, previous_hash="f" * 64)
    send_raw(bootstrap, s.ledger_topic, [message(e) for e in alpha] + [raw(fake)] + [message(e) for e in beta])
    engine = build_projection_engine(s)
    try:
        assert run_once(s, engine, bootstrap) == len(alpha) + len(beta)
        (stale,) = rows(engine, stale_groups)
        assert stale.group_id == str(fake.originator_id) and "hash chain" in stale.reason
        assert versions(engine) == {"alpha": 5, "beta": 3}
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", ["project", "replay"])
def test_a_malformed_or_forged_message_stops_project_and_replay_with_exit_7(
    sqlite_settings, clock, dev_broker, unique_topic, tmp_path, command
):
    bootstrap = dev_broker.bootstrap_servers
    s = on_topic(sqlite_settings, unique_topic, topic_partitions=1)
    create_topics(s, bootstrap)
    with open_ledger(s, clock) as ledger:
        events = two_groups(ledger, clock)
    alpha = events["alpha"]
    _, key, _, headers = message(alpha[1])
    fake = forged(alpha[-1][1], originator_version=6, previous_hash="f" * 64)
    send_raw(bootstrap, s.ledger_topic, [message(alpha[0]), (0, key, b"not json", headers), raw(fake)])
    args = ["project", "--once"] if command == "project" else ["replay", "--into", f"sqlite:///{tmp_path / 'r.sqlite'}"]

    done = subprocess.run([oar_ledger(), *args], env=cli_env(s, bootstrap), cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == ExitCode.INTEGRITY, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "projector stopped" in done.stderr, done.stderr
    assert "offset 1" in done.stderr and "malformed" in done.stderr, done.stderr
