"""Which broker to use: the configured one, or the development broker on demand.

With ``KAFKA_BOOTSTRAP_SERVERS`` unset, ``oar-ledger broker`` (or the demo) starts
the development broker and records its address in ``var/dev-broker.json`` so that
other commands on this machine find it while it runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from infra.files import private_dir
from infra.kafka.config import kafka_client_config, topic_specs
from infra.kafka.dev_broker import DevBroker
from infra.kafka.dev_broker_file import broker_file, running_dev_broker
from infra.kafka.topics import ensure_topics
from infra.settings import Settings


def bootstrap_servers(settings: Settings) -> str | None:
    return settings.kafka_bootstrap_servers or running_dev_broker(settings)


@contextmanager
def dev_broker_session(settings: Settings) -> Iterator[DevBroker]:
    """Start the development broker, advertise it in var/, stop it on exit."""
    private_dir(settings.var_dir)
    broker = DevBroker(log_path=settings.var_dir / "dev-broker.log").start()
    path = broker_file(settings)
    try:
        path.write_text(json.dumps({"pid": broker.pid, "bootstrap_servers": broker.bootstrap_servers}))
        ensure_topics(kafka_client_config(settings, broker.bootstrap_servers), topic_specs(settings))
        yield broker
    finally:
        path.unlink(missing_ok=True)
        broker.stop()


@contextmanager
def broker_on_demand(settings: Settings) -> Iterator[tuple[str, bool]]:
    """(bootstrap servers, is the ephemeral dev broker): the configured or running
    broker if there is one, else a development broker for the duration."""
    configured = bootstrap_servers(settings)
    if configured:
        yield configured, settings.kafka_bootstrap_servers is None
        return
    with dev_broker_session(settings) as broker:
        yield broker.bootstrap_servers, True
