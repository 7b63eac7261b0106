"""The store head read without eventsourcing (read-model freshness) agrees with the recorder."""

from __future__ import annotations

import pytest

from bootstrap import store_position
from infra.store.head import EVENTS_TABLES, head_position
from test_application_support import active_group, request_group

pytestmark = pytest.mark.integration


def test_the_head_is_the_recorders_max_notification_id(ledger) -> None:
    assert head_position(ledger.engine) == 0
    active_group(ledger.app, "alpha")
    request_group(ledger.app, "beta")
    recorder = ledger.app.recorder
    assert EVENTS_TABLES[ledger.engine.dialect.name][0] == recorder.events_table_name
    assert head_position(ledger.engine) == recorder.max_notification_id() == 3
    assert store_position(ledger.settings) == 3  # its own engine, from the settings alone


def test_a_store_not_created_yet_is_at_position_zero(sqlite_settings) -> None:
    assert store_position(sqlite_settings) == 0
    assert not sqlite_settings.sqlite_path.exists()  # and nothing was created to answer
