"""Fixtures shared by the integration tests: the development broker and unique names."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from infra.kafka.dev_broker import DevBroker


@pytest.fixture(scope="session")
def dev_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevBroker]:
    """One Tansu broker for the whole session (memory-only: do not restart it from a test)."""
    log_path = tmp_path_factory.mktemp("dev-broker") / "tansu.log"
    with DevBroker(log_path=log_path) as broker:
        yield broker


@pytest.fixture
def unique_topic() -> str:
    """A topic name no other test uses; create it explicitly before producing (Tansu would
    auto-create it with 4 partitions)."""
    return f"test.{uuid.uuid4().hex}"


@pytest.fixture
def unique_group() -> str:
    """A consumer group id no other test uses."""
    return f"test-group.{uuid.uuid4().hex}"


@pytest.fixture
def kafka_consumer_settings() -> dict[str, int]:
    """Consumer settings for tests against Tansu.

    Tansu holds each JoinGroup for about half the session timeout; with the default 45 s a
    group join would take ~20 s. A 2 s session timeout brings the join down to about 1 s.
    This is a test workaround for the dev broker, not a production setting.
    """
    return {"session_timeout_ms": 2000, "heartbeat_interval_ms": 500}
