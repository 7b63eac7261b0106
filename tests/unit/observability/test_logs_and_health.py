"""Log lines (JSON, one per event, ids attached, secrets masked) and the readiness rules."""

from __future__ import annotations

import json
import logging

import pytest

from infra.observability.http import Health
from infra.observability.logs import configure_logging, new_command_id, redact

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("connect postgresql://oar:hunter2@db:5432/oar failed", "hunter2"),
        ("sasl_plain_password='s3cret' rejected", "s3cret"),
        ("config {'password': 'p4ss', 'user': 'x'}", "p4ss"),
        ("token=abc.def.ghi", "abc.def.ghi"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    masked = redact(text)
    assert secret not in masked and "***" in masked


def test_a_line_without_secrets_is_unchanged() -> None:
    assert redact("published 78 event(s) to oar.ledger.v1") == "published 78 event(s) to oar.ledger.v1"


def test_json_lines_carry_level_logger_and_command_id(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "INFO")
    try:
        command_id = new_command_id()
        logging.getLogger("oar.relay").warning("broker at %s down\nretrying", "kafka://u:pw@k:9092")
        logging.getLogger("oar.relay").debug("not shown at INFO")
    finally:
        logging.getLogger().handlers.clear()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1  # one event, one line, even with a newline in the message
    record = json.loads(lines[0])
    assert (record["level"], record["logger"], record["command_id"]) == ("WARNING", "oar.relay", command_id)
    assert "pw" not in record["message"] and "***@k:9092" in record["message"]


def test_readiness_follows_recent_work() -> None:
    now = [100.0]
    health = Health(ready_within=30, clock=lambda: now[0])
    assert health.ready() == (False, "starting")
    health.worked()
    assert health.ready() == (True, "ok")
    now[0] += 31
    assert health.ready()[0] is False and "no work done for 31s" in health.ready()[1]
    health.worked()
    health.not_ready("no partition assigned yet")
    assert health.ready() == (False, "no partition assigned yet")
    assert health.live() == (True, "main loop running")


def _get(app, path: str) -> tuple[str, str]:
    answer: dict[str, str] = {}
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    body = b"".join(app(environ, lambda status, _headers: answer.update(status=status)))
    return answer["status"], body.decode()


def test_a_process_serves_only_the_registry_it_is_given() -> None:
    """The witness serves its own series, not the relay's and projector's at zero."""
    from infra.observability import metrics
    from infra.observability.http import wsgi_app

    metrics.WITNESS_REQUESTS.labels("refused")
    witness = _get(wsgi_app(Health(), metrics.WITNESS_REGISTRY), "/metrics")[1]
    assert 'oar_witness_requests_total{outcome="refused"}' in witness and "oar_relay_position" not in witness
    workers = _get(wsgi_app(Health()), "/metrics")[1]
    assert "oar_relay_position" in workers and "oar_witness" not in workers
    status, body = _get(wsgi_app(Health(), metrics.WITNESS_REGISTRY), "/readyz")
    assert status.startswith("503") and json.loads(body)["reason"] == "starting"
