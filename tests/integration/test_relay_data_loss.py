"""A broker that lost what it acknowledged is detected, not published over: the relay names
the problem, the command exits 7 and points at ``--republish``, which rebuilds the topic."""

from __future__ import annotations

import pytest
from kafka import KafkaAdminClient
from test_relay_support import (
    check_ledger_order,
    count_at_least,
    create_topics,
    on_topic,
    open_ledger,
    play_demo_year,
    positions_of,
    read_topic,
    run_cli,
    stored_count,
    wait_for,
)

from bootstrap import build_relay
from entrypoints.cli.errors import ExitCode
from infra.kafka.dev_broker import DevBroker
from service.relay import BrokerDataLoss
from infra.kafka.topics import check_topics

pytestmark = pytest.mark.integration


def test_a_restarted_memory_broker_is_detected_and_the_topic_republished(
    sqlite_settings, clock, unique_topic, tmp_path
):
    settings = on_topic(sqlite_settings, unique_topic)
    # Its own broker: restarting the session's broker would empty it for every other test.
    with DevBroker(log_path=tmp_path / "tansu.log") as broker, open_ledger(settings, clock) as ledger:
        bootstrap = broker.bootstrap_servers
        create_topics(settings, bootstrap)
        play_demo_year(ledger, clock, "dl01")
        stored = stored_count(ledger)
        relay = build_relay(ledger, bootstrap)
        relay.check()
        assert relay.drain() == stored
        assert relay.check().position == stored
        relay.close()  # its idempotent producer does not survive the broker's restart
        old_cluster = broker.cluster_id

        broker.restart()  # memory only: every topic and record is gone
        assert broker.cluster_id != old_cluster and broker.bootstrap_servers == bootstrap

        with pytest.raises(BrokerDataLoss) as lost:
            relay.check()
        assert old_cluster in str(lost.value) and str(broker.cluster_id) in str(lost.value)
        assert f"position {stored}" in str(lost.value)

        refused = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path)
        assert refused.returncode == ExitCode.INTEGRITY == 7, (refused.stdout, refused.stderr)
        assert "broker lost data" in refused.stderr and "--republish" in refused.stderr
        assert relay.state.load().position == stored  # nothing forgotten by the refusal

        rebuilt = run_cli(["relay", "--once", "--republish"], settings, bootstrap, cwd=tmp_path)
        assert rebuilt.returncode == 0, (rebuilt.stdout, rebuilt.stderr)
        assert f"published {stored} event(s)" in rebuilt.stdout

        records = read_topic(bootstrap, unique_topic, count_at_least(stored))
        assert sorted(positions_of(records)) == list(range(1, stored + 1))
        check_ledger_order(records, stored)
        progress = relay.check()  # the recorded progress now matches the new cluster
        assert (progress.cluster_id, progress.position) == (broker.cluster_id, stored)
        again = run_cli(["relay", "--once"], settings, bootstrap, cwd=tmp_path)
        assert again.returncode == 0 and "published 0 event(s)" in again.stdout, again.stderr


def test_a_deleted_topic_is_detected_as_data_loss(sqlite_settings, clock, dev_broker, unique_topic):
    settings = on_topic(sqlite_settings, unique_topic)
    bootstrap = dev_broker.bootstrap_servers
    create_topics(settings, bootstrap)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "dl02")
        stored = stored_count(ledger)
        relay = build_relay(ledger, bootstrap)
        relay.check()
        assert relay.drain() == stored
        relay.close()

        admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="test-relay-delete")
        try:
            admin.delete_topics([unique_topic])
        finally:
            admin.close()
        spec = relay.spec
        wait_for(lambda: check_topics(relay.client, [spec]) != [], 10, f"deletion of {unique_topic}")

        with pytest.raises(BrokerDataLoss, match=f"topic {unique_topic} is gone") as lost:
            relay.check()
        assert f"{stored} events had been published" in str(lost.value)

        # recreated empty (by hand, or by a broker that auto-creates topics): still data loss
        create_topics(settings, bootstrap)
        with pytest.raises(BrokerDataLoss, match="no longer holds position"):
            relay.check()

        # the way out: publish everything again to the recreated topic
        relay.republish()
        assert relay.check().position == 0
        assert relay.drain() == stored
    records = read_topic(bootstrap, unique_topic, count_at_least(stored))
    assert sorted(positions_of(records)) == list(range(1, stored + 1))
