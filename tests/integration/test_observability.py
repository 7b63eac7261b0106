"""Metrics and health scraped over HTTP from a running relay, projector and API (real
processes, the development broker, loopback only), and the JSON log lines they write."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from infra.kafka.dev_broker import free_port
from infra.store.refusals import refused_commands
from test_relay_support import (
    cli_env, create_topics, on_topic, oar_ledger_command, open_ledger, play_demo_year, run_cli, stored_count, wait_for,
)  # fmt: skip

pytestmark = pytest.mark.integration


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as failed:
        return failed.code


def value(metrics: dict, name: str, **labels: str) -> float | None:
    return metrics.get((name, tuple(sorted(labels.items()))))


def test_relay_and_projector_serve_metrics_and_health(sqlite_settings, clock, dev_broker, unique_topic,
                                                      unique_group, tmp_path: Path) -> None:  # fmt: skip
    settings = on_topic(sqlite_settings, unique_topic).model_copy(update={"checkpoint_topic": f"{unique_topic}.cp"})
    bootstrap = dev_broker.bootstrap_servers
    create_topics(settings, bootstrap)
    with open_ledger(settings, clock) as ledger:
        play_demo_year(ledger, clock, "obs")
        stored = stored_count(ledger)
        with ledger.engine.connect() as connection:
            by_rule_and_clause = {
                (("clause", clause), ("rule", rule)): float(count)
                for rule, clause, count in connection.execute(select(
                    refused_commands.c.rule, refused_commands.c.clause, func.count()
                ).group_by(refused_commands.c.rule, refused_commands.c.clause))
            }  # fmt: skip
    assert len(by_rule_and_clause) > 1  # the demo year includes refused attempts under several rules
    assert run_cli(["keys", "init"], settings, bootstrap, tmp_path).returncode == 0
    relay_port, projector_port, api = free_port(), free_port(), None
    relay = _start(["relay"], settings, bootstrap, tmp_path, relay_port, "relay")
    projector = _start(["project"], settings, bootstrap, tmp_path, projector_port, "projector",
                       OAR_PROJECTOR_GROUP_ID=unique_group, OAR_CONSUMER_SESSION_TIMEOUT_MS="2000",
                       OAR_CONSUMER_HEARTBEAT_INTERVAL_MS="500")  # fmt: skip
    try:
        wait_for(lambda: _serving(relay_port) and value(scrape(relay_port), "oar_relay_position") == stored,
                 60, "the relay to publish everything")  # fmt: skip
        relay_metrics = scrape(relay_port)
        assert value(relay_metrics, "oar_relay_events_published_total") == stored
        assert value(relay_metrics, "oar_relay_lag_events") == 0
        assert value(relay_metrics, "oar_ledger_events_stored") == stored
        assert value(relay_metrics, "oar_relay_position") == stored
        by_rule = {labels: v for (name, labels), v in relay_metrics.items() if name == "oar_refusals_total"}
        assert by_rule == by_rule_and_clause
        assert 0 <= value(relay_metrics, "oar_checkpoint_age_seconds") < 120
        assert value(relay_metrics, "oar_checkpoint_tree_size") == stored

        wait_for(lambda: _serving(projector_port)
                 and value(scrape(projector_port), "oar_projector_events_projected_total") == stored,
                 90, "the projector to apply everything")  # fmt: skip
        lags = {k: v for k, v in scrape(projector_port).items() if k[0] == "oar_projector_consumer_lag_messages"}
        assert len(lags) == settings.topic_partitions and set(lags.values()) == {0}
        for port in (relay_port, projector_port):
            assert (status(port, "/healthz"), status(port, "/readyz"), status(port, "/nope")) == (200, 200, 404)
            probe = run_cli(["probe", f"http://127.0.0.1:{port}/readyz"], settings, bootstrap, tmp_path)
            assert probe.returncode == 0, probe.stderr

        verified = run_cli(["verify"], settings, bootstrap, tmp_path, timeout=120)
        after = scrape(relay_port)
        assert value(after, "oar_verify_last_success") == (1.0 if verified.returncode == 0 else 0.0)
        assert value(after, "oar_verify_last_events") == stored
        assert value(after, "oar_verify_last_duration_seconds") > 0

        api_port = free_port()
        api = _start(["serve", "--port", str(api_port)], settings, bootstrap, tmp_path, api_port, "api")
        wait_for(lambda: _serving(api_port), 60, "the API to answer")
        request = urllib.request.Request(f"http://127.0.0.1:{api_port}/readyz", headers={"X-Request-ID": "obs-req-1"})
        assert urllib.request.urlopen(request, timeout=5).status == 200
        api_metrics = scrape(api_port)
        assert value(api_metrics, "oar_api_requests_total", method="GET", route="/readyz", status="200") == 1
        assert value(api_metrics, "oar_api_request_duration_seconds_count", method="GET", route="/readyz") == 1
        assert value(api_metrics, "oar_ledger_events_stored") == stored
        assert value(api_metrics, "oar_ledger_relay_lag_events") == 0  # read from the relay's progress table
        assert value(api_metrics, "oar_ledger_projection_lag_events") == 0  # and from the read models
        assert {k: v for (n, k), v in api_metrics.items() if n == "oar_refusals_total"} == by_rule_and_clause
        assert 0 <= value(api_metrics, "oar_checkpoint_age_seconds") < 300
        assert value(api_metrics, "oar_verify_last_events") == stored
        assert value(api_metrics, "oar_relay_position") is None  # the workers' series are not the API's
        exported = {name for metrics in (after, scrape(projector_port), api_metrics) for name, _ in metrics}
        _assert_alerts_use_exported_metrics(exported)
    finally:
        started = [p for p in (relay, projector, api) if p is not None]
        for process in started:
            process.send_signal(signal.SIGTERM)
        for process in started:
            process.wait(timeout=30)
    for name in ("relay", "projector", "api"):
        _assert_json_lines(tmp_path / f"{name}.err")
    access = [json.loads(line) for line in (tmp_path / "api.err").read_text().splitlines()]
    assert any(r.get("request_id") == "obs-req-1" and r["logger"] == "oar.api.access" for r in access)


def _start(args: list[str], settings, bootstrap: str, cwd: Path, port: int, name: str, **extra: str):
    env = cli_env(settings, bootstrap) | {"OAR_METRICS_PORT": str(port), "OAR_LOG_FORMAT": "json"} | extra
    return subprocess.Popen(
        oar_ledger_command() + args, env=env, cwd=cwd, stdin=subprocess.DEVNULL, start_new_session=True,
        stdout=open(cwd / f"{name}.out", "wb"), stderr=open(cwd / f"{name}.err", "wb"),
    )  # fmt: skip


def _serving(port: int) -> bool:
    try:
        return status(port, "/healthz") == 200
    except OSError:
        return False


def _assert_json_lines(path: Path) -> None:
    """Every line a worker logged is one JSON object with its level, logger and command id."""
    for line in path.read_text().splitlines():
        record = json.loads(line)
        assert {"time", "level", "logger", "message", "command_id"} <= set(record), line


def _assert_alerts_use_exported_metrics(exported: set[str]) -> None:
    import re

    import yaml

    rules = yaml.safe_load((Path(__file__).parents[2] / "deploy/prometheus/alerts.yml").read_text())
    used = {name for group in rules["groups"] for rule in group["rules"] for name in re.findall(r"\boar_\w+", rule["expr"])}
    assert used and used <= exported, used - exported
