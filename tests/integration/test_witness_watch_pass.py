"""One pass of the witness service over an exchange folder (files only, no ledger): what it
refuses and why, what it leaves for later, what it never decides twice, when it is not ready."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from infra.evidence.keys import generate_key
from service.evidence.proofs import CONSISTENCY, INCLUSION
from service.evidence.witness import init_witness
from service.evidence.witness_watch import SEEN_FILE, WitnessNotReady, check_ready, watch_pass

pytestmark = pytest.mark.integration
ORIGIN = "oar-ledger.example/oar.ledger.v1"


@pytest.fixture
def witness(tmp_path: Path) -> Path:
    log_key = generate_key(tmp_path / "log.key", "oar-ledger.example")
    directory = tmp_path / "witness"
    init_witness(directory, "audit.example.org/w1", ORIGIN, [log_key])
    return directory


@pytest.fixture
def exchange(tmp_path: Path) -> Path:
    folder = tmp_path / "exchange"
    folder.mkdir()
    return folder


def later() -> float:
    return time.time() + 10


def test_not_ready_names_what_is_missing(tmp_path: Path, witness: Path, exchange: Path) -> None:
    with pytest.raises(WitnessNotReady, match="witness init"):
        check_ready(tmp_path / "nobody", exchange)
    with pytest.raises(WitnessNotReady, match="does not exist"):
        watch_pass(witness, tmp_path / "missing", 0, later())
    (witness / "witness.key").unlink()
    with pytest.raises(WitnessNotReady, match="no key file"):
        check_ready(witness, exchange)


def test_requests_that_are_not_consistency_proofs_from_its_size_are_refused_with_the_reason(
    witness: Path, exchange: Path
) -> None:
    (exchange / "garbage.json").write_text("{not json")
    (exchange / "inclusion.json").write_text(json.dumps({"format": INCLUSION}))
    (exchange / "skips.json").write_text(json.dumps({"format": CONSISTENCY, "old_size": 5}))
    (exchange / "notes.txt").write_text("not a request")
    decisions = watch_pass(witness, exchange, 0, later())
    assert [(d.request, d.outcome) for d in decisions] == [
        ("garbage.json", "refused"), ("inclusion.json", "refused"), ("skips.json", "refused")]
    assert "not a JSON request" in (exchange / "garbage.refused.txt").read_text()
    assert "consistency proof document" in (exchange / "inclusion.refused.txt").read_text()
    assert "last cosigned size 0; the proof starts at 5" in (exchange / "skips.refused.txt").read_text()
    assert sorted(p.name for p in exchange.iterdir()) == [
        "garbage.json", "garbage.refused.txt", "inclusion.json", "inclusion.refused.txt", "notes.txt",
        "skips.json", "skips.refused.txt"]  # fmt: skip
    assert json.loads((witness / "state.json").read_text())["size"] == 0  # nothing cosigned


def test_each_request_is_decided_once_and_an_unsettled_one_waits(witness: Path, exchange: Path) -> None:
    request = exchange / "request.json"
    request.write_text("{}")
    assert watch_pass(witness, exchange, 0, time.time(), settle=60) == []  # still being written?
    assert len(watch_pass(witness, exchange, 0, later())) == 1
    (exchange / "request.refused.txt").unlink()  # deleting the outcome does not bring it back
    (exchange / "copy.json").write_text("{}")  # nor does the same request under another name
    assert watch_pass(witness, exchange, 0, later()) == []
    assert list(json.loads((witness / SEEN_FILE).read_text()).values())[0]["request"] == "request.json"
    request.write_text('{"format": 1}')  # a new request under the old name is decided
    assert [d.request for d in watch_pass(witness, exchange, 0, later())] == ["request.json"]
