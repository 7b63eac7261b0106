"""``oar-ledger serve --workers N``: several worker processes on one PostgreSQL ledger,
started on a fresh schema (tables, migrations and the local issuer's key made once, by
the parent), every write recorded once, and ``/metrics`` counting every worker's requests.
On SQLite (one writer process) ``--workers 2`` is a usage error."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from test_relay_support import cli_env, oar_ledger_command, run_cli, wait_for

from bootstrap import build_ledger, build_local_issuer
from infra.clock import system_clock
from infra.kafka.dev_broker import free_port

pytestmark = pytest.mark.integration
NO_BROKER = ""  # serve needs none: readiness checks the broker only when one is configured
CLIENTS, GROUPS_EACH = 4, 6


def call(port: int, method: str, path: str, token: str, body: dict | None = None) -> int:
    """One request on a new connection (so that the workers share the connections)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body or {}).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def requests_counted(port: int) -> dict[tuple, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {(s.labels["method"], s.labels["route"], s.labels["status"]): s.value
            for family in text_string_to_metric_families(text) if family.name == "oar_api_requests"
            for s in family.samples if s.name == "oar_api_requests_total"}  # fmt: skip


def group_body(slug: str, founder: str) -> dict:
    return {"group": slug, "name": f"Group {slug}", "group_type": "other", "managed_by": "alumni",
            "visibility": "public", "objectives": "Alumni of one workshop", "proposed_managers": [founder]}  # fmt: skip


def test_workers_share_one_ledger_one_key_and_one_count(postgres_settings, tmp_path: Path) -> None:
    settings = postgres_settings.model_copy(update={"var_dir": tmp_path / "var"})
    port = free_port()
    (tmp_path / "tmp").mkdir()
    env = cli_env(settings, NO_BROKER) | {"OAR_LOG_FORMAT": "json", "TMPDIR": str(tmp_path / "tmp")}
    env.pop("KAFKA_BOOTSTRAP_SERVERS")
    server = subprocess.Popen(oar_ledger_command() + ["serve", "--port", str(port), "--workers", "2"], env=env,
                              cwd=tmp_path, stdin=subprocess.DEVNULL, start_new_session=True,
                              stdout=open(tmp_path / "serve.out", "wb"), stderr=open(tmp_path / "serve.err", "wb"))  # fmt: skip
    try:
        wait_for(lambda: _healthy(port), 90, "two workers to answer")
        issuer = build_local_issuer(settings)  # the key the parent made before the workers started
        tokens = [issuer.issue(f"m-{10 + n}", [], timedelta(minutes=10), system_clock()) for n in range(CLIENTS)]
        oar = issuer.issue("oar-1", [settings.oar_claim_value], timedelta(minutes=10), system_clock())
        answers: list[int] = []

        def client(n: int) -> None:
            for i in range(GROUPS_EACH):
                slug, founder, member = f"w{n}-{i}", tokens[n], tokens[(n + 1) % CLIENTS]
                answers.append(call(port, "POST", "/groups", founder, group_body(slug, f"m-{10 + n}")))
                answers.append(call(port, "POST", f"/groups/{slug}/managers", founder, {"manager": "m-99"}))
                answers.append(call(port, "POST", f"/groups/{slug}/approval", oar, {"reason": "objectives clear"}))
                answers.append(call(port, "POST", f"/groups/{slug}/members", member))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(set(answers)) == [200, 201] and len(answers) == 4 * CLIENTS * GROUPS_EACH, answers
        counted = requests_counted(port)
        assert counted[("POST", "/groups", "201")] == CLIENTS * GROUPS_EACH
        assert counted[("POST", "/groups/{group}/members", "200")] == CLIENTS * GROUPS_EACH
        files = {path.name.rsplit("_", 1)[-1] for path in (tmp_path / "tmp").glob("oar-api-metrics-*/counter_*.db")}
        assert len(files) == 2, files  # one per worker process
        assert [p.name for p in (settings.var_dir / "keys").glob("token-signing*")] == ["token-signing.key"]
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, (tmp_path / "serve.err").read_text()[-2000:]
    assert not list((tmp_path / "tmp").glob("oar-api-metrics-*")), "the workers' count files outlived serve"
    ledger = build_ledger(settings)
    try:
        assert ledger.app.recorder.max_notification_id() == 4 * CLIENTS * GROUPS_EACH  # each write once
    finally:
        ledger.close()


def test_workers_need_postgresql(sqlite_settings, tmp_path: Path) -> None:
    refused = run_cli(["serve", "--workers", "2"], sqlite_settings, NO_BROKER, tmp_path)
    assert refused.returncode == 2 and "--workers" in refused.stderr and "PostgreSQL" in refused.stderr, refused
    assert not (Path(sqlite_settings.var_dir) / "ledger.sqlite").exists()  # nothing was created


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False
