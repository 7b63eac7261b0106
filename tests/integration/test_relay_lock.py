"""One relay per topic: a second relay is refused while the first holds the lock
(SQLite: a file lock beside the database; PostgreSQL: a session advisory lock)."""

from __future__ import annotations

import pytest
from test_relay_support import create_topics, on_topic, open_ledger, run_cli, wait_for_relay_lock

from entrypoints.cli.errors import ExitCode
from infra.kafka.relay_lock import RelayBusy, relay_lock

pytestmark = pytest.mark.integration


def test_a_second_relay_is_refused_while_one_holds_the_lock(
    settings, clock, dev_broker, unique_topic, tmp_path
):
    settings = on_topic(settings, unique_topic, var_dir=tmp_path / "var")
    other_topic = on_topic(settings, unique_topic + ".other")
    create_topics(settings, dev_broker.bootstrap_servers)
    with open_ledger(settings, clock) as first, open_ledger(settings, clock) as second:
        with relay_lock(settings, first.engine):
            # another process's worth of connections to the same database
            with pytest.raises(RelayBusy, match=unique_topic):
                with relay_lock(settings, second.engine):
                    pytest.fail("two relays hold the lock of one topic")
            # the lock is per topic: a relay for another topic runs
            with relay_lock(other_topic, second.engine):
                pass
            # and the command says so with exit code 5 (conflict)
            busy = run_cli(["relay", "--once"], settings, dev_broker.bootstrap_servers, cwd=tmp_path)
            assert busy.returncode == ExitCode.CONFLICT, busy.stderr
            assert "another relay is publishing" in busy.stderr and unique_topic in busy.stderr
        # released on exit: the next relay gets it
        wait_for_relay_lock(settings, second, timeout=5)
        with relay_lock(settings, second.engine):
            pass
    done = run_cli(["relay", "--once"], settings, dev_broker.bootstrap_servers, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "published 0 event(s)" in done.stdout
