"""``event_id_text`` is exactly the text of the uuid5 event id, for any group id and version."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, strategies as st

from domain.events.ids import EVENT_ID_NAMESPACE, event_id_text

pytestmark = pytest.mark.unit


@given(st.uuids(), st.integers(min_value=0, max_value=10**12))
def test_the_text_is_the_uuid5_of_group_and_version(group: uuid.UUID, version: int) -> None:
    assert event_id_text(str(group), version) == str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{group}/{version}"))


def test_every_variant_digit_occurs() -> None:
    ids = {event_id_text(str(uuid.UUID(int=i)), 1) for i in range(64)}
    assert {text[19] for text in ids} == set("89ab") and {text[14] for text in ids} == {"5"}
