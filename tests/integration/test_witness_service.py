"""The witness as a long-running service (issue 14, the compose `witness` service): the real
`oar-ledger witness watch` process, on SQLite, picks up the consistency requests a real
ledger's `prove --consistency … --out` drops in the exchange folder, cosigns the good ones
(attached with `witness attach`), refuses a rewritten history and says why, decides each
file once, answers /healthz and /readyz over HTTP, counts its decisions, logs one JSON line
per decision, and stops on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_evidence_support import add_demo, demo_ledger, evidence_settings, make_key
from test_observability import scrape, status, value
from test_projector_support import cli_env
from test_relay_support import oar_ledger_command, wait_for

from bootstrap import checkpoint_now
from infra.evidence.cosignature import signers_of
from infra.evidence.signing import checkpoint_origin
from infra.kafka.dev_broker import free_port
from infra.settings import Settings
from service.evidence.checkpoint_list import list_checkpoints
from service.evidence.proofs import Prover
from service.evidence.witness import init_witness, load_state, witness_key

pytestmark = pytest.mark.integration


def run_cli(args: list[str], settings: Settings, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(oar_ledger_command() + args, env=cli_env(settings), cwd=cwd, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def test_the_witness_service_cosigns_refuses_and_reports_its_health(sqlite_settings, clock, tmp_path: Path) -> None:
    settings = evidence_settings(sqlite_settings, tmp_path)
    make_key(settings)
    witness_dir, exchange, port = tmp_path / "witness", tmp_path / "exchange", free_port()
    exchange.mkdir()
    ledger = demo_ledger(settings, clock, "x")
    fork = None
    env = cli_env(settings) | {"OAR_METRICS_PORT": str(port), "OAR_LOG_FORMAT": "json"}
    watcher = subprocess.Popen(
        oar_ledger_command() + ["witness", "watch", "--dir", str(witness_dir), "--exchange", str(exchange),
                                "--interval", "0.2", "--settle", "0.3"],
        env=env, cwd=tmp_path, stdin=subprocess.DEVNULL, start_new_session=True,
        stdout=open(tmp_path / "witness.out", "wb"), stderr=open(tmp_path / "witness.err", "wb"),
    )  # fmt: skip
    try:
        wait_for(lambda: _answers(port), 30, "the witness's health endpoint")
        # started before `witness init`: alive, not ready, and saying why
        assert status(port, "/healthz") == 200
        assert status(port, "/readyz") == 503 and "witness init" in _reason(port)
        assert checkpoint_now(ledger).size == 78
        init_witness(witness_dir, "audit.example.org/w1", checkpoint_origin(settings), [_vkey(ledger)])
        wait_for(lambda: status(port, "/readyz") == 200, 10, "the witness to be ready")

        # round 1 from the empty tree, with the real CLI on both sides of the exchange folder
        run_cli(["prove", "--consistency", "0", "78", "--out", str(exchange / "round.json")], settings, tmp_path)
        cosigned = exchange / "round.cosigned.txt"
        wait_for(cosigned.exists, 15, "the first cosignature")
        run_cli(["witness", "attach", str(cosigned)], settings, tmp_path)
        wkey = witness_key(witness_dir)
        assert list_checkpoints(ledger.engine)[0]["cosigners"] == [f"audit.example.org/w1+{wkey.key_id.hex()}"]

        # round 2: the next request dropped under the same name is a new request
        add_demo(ledger, clock, "y")
        assert checkpoint_now(ledger).size == 156
        first = cosigned.read_text()
        run_cli(["prove", "--consistency", "78", "156", "--out", str(exchange / "round.json")], settings, tmp_path)
        wait_for(lambda: cosigned.read_text() != first, 15, "the second cosignature")
        assert len(signers_of(cosigned.read_text())) == 2 and load_state(witness_dir).size == 156

        # a history rewritten and re-signed with the ledger's own key: refused, and why
        fork = demo_ledger(evidence_settings(Settings(var_dir=tmp_path / "fork", _env_file=None), tmp_path), clock, "z")
        for suffix in ("y", "w"):
            checkpoint_now(fork)
            add_demo(fork, clock, suffix)
        assert checkpoint_now(fork).size == 234
        _drop(exchange / "rewritten.json", Prover(fork.engine).consistency(156, 234))
        refused = exchange / "rewritten.refused.txt"
        wait_for(refused.exists, 15, "the refusal")
        assert "history was rewritten" in refused.read_text() and "last cosigned size 156" in refused.read_text()
        assert not (exchange / "rewritten.cosigned.txt").exists() and load_state(witness_dir).size == 156
        (exchange / "garbage.json").write_text("{not json")
        wait_for((exchange / "garbage.refused.txt").exists, 15, "the refusal of a malformed request")

        # each file once: the same request again (another name, or touched) is not decided again
        (exchange / "again.json").write_bytes((exchange / "round.json").read_bytes())
        (exchange / "rewritten.json").touch()
        dropped = time.time()
        wait_for(lambda: (value(scrape(port), "oar_witness_last_pass_timestamp_seconds") or 0) > dropped + 1.0,
                 15, "a pass after the settle time")  # fmt: skip
        assert not (exchange / "again.cosigned.txt").exists() and not (exchange / "again.refused.txt").exists()

        metrics = scrape(port)
        assert value(metrics, "oar_witness_requests_total", outcome="cosigned") == 2
        assert value(metrics, "oar_witness_requests_total", outcome="refused") == 2
        assert value(metrics, "oar_witness_cosigned_size") == 156
        assert value(metrics, "oar_relay_position") is None  # the witness has its own registry
        assert status(port, "/readyz") == 200
    finally:
        watcher.send_signal(signal.SIGTERM)
        code = watcher.wait(timeout=15)
        ledger.close()
        if fork is not None:
            fork.close()
    assert code == 0
    lines = [json.loads(line) for line in (tmp_path / "witness.err").read_text().splitlines() if line.startswith("{")]
    decisions = [(r["decision"], r["request"]) for r in lines if "decision" in r]
    assert decisions == [("cosigned", "round.json"), ("cosigned", "round.json"), ("refused", "rewritten.json"),
                         ("refused", "garbage.json")]  # fmt: skip
    assert all({"time", "level", "logger", "command_id", "sha256", "output"} <= set(r) for r in lines if "decision" in r)
    assert "witness stopped by SIGTERM" in (tmp_path / "witness.err").read_text()


def _vkey(ledger) -> str:
    from infra.evidence.checkpoint import encode_verifier_key
    from infra.evidence.signing import load_signer

    signer = load_signer(ledger.settings)
    return encode_verifier_key(signer.private_key.public_key(), signer.name)


def _drop(path: Path, document: dict) -> None:
    """As `prove --consistency … --out` writes it."""
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _answers(port: int) -> bool:
    try:
        return status(port, "/healthz") == 200
    except OSError:
        return False


def _reason(port: int) -> str:
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5)
    except urllib.error.HTTPError as failed:
        return json.loads(failed.read())["reason"]
    return "ready"
