"""The witness service's pure rules: which files are requests, what it writes next to them,
when a file is old enough to read."""

from __future__ import annotations

import pytest

from service.evidence.witness_watch import is_request, is_settled, output_name

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("name", "expected"), [
    ("request.json", True), ("2026-12-02.round-7.json", True),
    (".request.json", False),  # hidden, or a temporary file being written
    (".json", False), ("request.json.tmp", False), ("request.cosigned.txt", False),
    ("request.refused.txt", False), ("watched.JSON", False), ("request", False),
])  # fmt: skip
def test_only_visible_json_files_are_requests(name: str, expected: bool) -> None:
    assert is_request(name) is expected


def test_the_outcome_is_written_next_to_the_request_under_its_stem() -> None:
    assert output_name("round.json", "cosigned") == "round.cosigned.txt"
    assert output_name("round.json", "refused") == "round.refused.txt"
    assert output_name("a.json.json", "refused") == "a.json.refused.txt"
    assert not is_request(output_name("round.json", "cosigned"))


def test_a_file_changed_within_the_settle_time_waits() -> None:
    assert not is_settled(modified=100.0, now=100.5, settle=1.0)
    assert is_settled(modified=100.0, now=101.0, settle=1.0)
    assert is_settled(modified=100.0, now=100.0, settle=0.0)
    assert not is_settled(modified=105.0, now=100.0, settle=0.0)  # a clock step back: wait
