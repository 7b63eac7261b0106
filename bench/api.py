"""``api``: commands per second through HTTP against the same commands called on the
service layer in-process, same database, same run.

Both paths run the same script (five commands per group: request, appoint a manager,
OAR approval, two joins) with the same concurrency: ``CLIENTS`` threads, each taking
whole groups. Through HTTP each thread is a keep-alive ``http.client`` connection to the
API on uvicorn on a loopback port, with bearer tokens of the local issuer (so every request
is verified); the API runs as ``oar-ledger serve`` in its own process, as in production,
so clients and server do not share one interpreter. Bounded by count and by ``TIME_CAP`` seconds per path and repetition.
Goal (issue 10): HTTP / in-process >= 0.5 on PostgreSQL with 4 clients.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from http.client import HTTPConnection
from urllib.parse import urlsplit

import httpx
import orjson

from bench.harness import Context, Result, Samples
from bench.rules import Pairs
from bootstrap import build_ledger, build_local_issuer
from domain import commands as c
from domain.actors import Actor
from infra.clock import system_clock
from infra.settings import Settings

NAME = "api"
GOAL = 0.5
CLIENTS = 4
GROUPS, QUICK_GROUPS = 120, 24
TIME_CAP = 60.0
PEOPLE = {"founder": "m-1001", "oar": "oar-1", "a": "a-101", "b": "a-102"}


def script(slug: str) -> list[tuple[str, str, str, dict, c.GroupCommand]]:
    """(who, method, path, body, the same command in-process) for one group."""
    request = {"group": slug, "name": f"Benchmark group {slug}", "group_type": "other", "managed_by": "alumni",
               "visibility": "public", "objectives": "Measure the HTTP path of the audit ledger",
               "proposed_managers": [PEOPLE["founder"]]}  # fmt: skip
    founder, oar = PEOPLE["founder"], PEOPLE["oar"]
    return [
        ("founder", "POST", "/groups", request, c.RequestGroup(actor=Actor(id=founder, role="member"), **request)),
        ("founder", "POST", f"/groups/{slug}/managers", {"manager": "m-1002"},
         c.AppointManager(actor=Actor(id=founder, role="manager"), group=slug, manager="m-1002")),
        ("oar", "POST", f"/groups/{slug}/approval", {"reason": "objectives clear, two managers"},
         c.ApproveGroup(actor=Actor(id=oar, role="oar"), group=slug, reason="objectives clear, two managers")),
        *((who, "POST", f"/groups/{slug}/members", {}, c.JoinGroup(actor=Actor(id=PEOPLE[who], role="member"),
                                                                   group=slug)) for who in ("a", "b")),
    ]  # fmt: skip


def run_concurrently(slugs: list[str], work: Callable[[str, list[float]], None]) -> tuple[int, float, list[float]]:
    """``CLIENTS`` threads take groups from ``slugs``; returns (commands, seconds, latencies)."""
    pending, lock, latencies = list(reversed(slugs)), threading.Lock(), []
    deadline = time.monotonic() + TIME_CAP

    errors: list[BaseException] = []

    def worker() -> None:
        mine: list[float] = []
        try:
            while time.monotonic() < deadline and not errors:
                with lock:
                    if not pending:
                        break
                    slug = pending.pop()
                work(slug, mine)
        except BaseException as error:  # reported by the caller's thread, not lost with this one
            errors.append(error)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return len(latencies), time.perf_counter() - started, latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class HttpPath:
    """The load generator: one keep-alive connection per client thread, with the standard
    library's ``http.client`` (about 0.7 ms of CPU per request here, httpx about 2.3 ms:
    on two cores the client shares the machine with the server it measures, so the
    lightest client distorts the measurement least)."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.address, self.tokens, self.local = urlsplit(url), tokens, threading.local()

    def __call__(self, slug: str, latencies: list[float]) -> None:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = HTTPConnection(self.address.hostname, self.address.port, timeout=30)
        for who, method, path, body, _ in script(slug):
            headers = {"Authorization": f"Bearer {self.tokens[who]}", "Content-Type": "application/json"}
            started = time.perf_counter()
            connection.request(method, path, body=orjson.dumps(body), headers=headers)
            response = connection.getresponse()
            answer = response.read()
            latencies.append(time.perf_counter() - started)
            if response.status not in (200, 201):
                raise AssertionError(f"{method} {path}: {response.status} {answer[:300]!r}")


def in_process(app) -> Callable[[str, list[float]], None]:
    def work(slug: str, latencies: list[float]) -> None:
        for *_, command in script(slug):
            started = time.perf_counter()
            app.execute(command)
            latencies.append(time.perf_counter() - started)

    return work


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1] if len(values) > 1 else values[0]


def start_server(settings: Settings) -> tuple[subprocess.Popen, str]:
    """``oar-ledger serve`` on a free loopback port, on the benchmark's database."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OAR_")} | {"OAR_VAR_DIR": str(settings.var_dir)}
    if settings.database_url:
        env |= {"OAR_DATABASE_URL": settings.database_url, "OAR_DATABASE_SCHEMA": settings.database_schema or ""}
    command = [os.path.join(os.path.dirname(sys.executable), "oar-ledger"), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the API did not start")


def run(ctx: Context) -> list[Result]:
    groups = QUICK_GROUPS if ctx.quick else GROUPS
    settings = ctx.target.settings
    ledger = build_ledger(settings, system_clock)
    issuer = build_local_issuer(settings)
    now, hour = system_clock(), timedelta(hours=2)
    tokens = {who: issuer.issue(person, [settings.oar_claim_value] if who == "oar" else [], hour, now)
              for who, person in PEOPLE.items()}  # fmt: skip
    server, url = start_server(settings)
    http = HttpPath(url, tokens)
    direct = in_process(ledger.app)
    http_rates, direct_rates, pairs, http_lat, direct_lat = Samples(), Samples(), Pairs(), [], []
    cpu = {"server": 0.0, "client": 0.0, "direct": 0.0}  # CPU seconds spent on measured commands, by whom
    commands = {"http": 0, "direct": 0}
    try:
        run_concurrently([f"warm-h-{i}" for i in range(8)], http)
        run_concurrently([f"warm-d-{i}" for i in range(8)], direct)
        for rep in range(1, ctx.repetitions + 1):
            order = [("http", http), ("direct", direct)]
            rates, runs = {}, {}
            for name, path in order if rep % 2 else reversed(order):
                server_before, own_before = cpu_seconds(server.pid), time.process_time()
                count, seconds, latencies = run_concurrently([f"r{rep}-{name}-{i:04d}" for i in range(groups)], path)
                own = time.process_time() - own_before
                if name == "http":
                    cpu["server"] += cpu_seconds(server.pid) - server_before
                cpu["client" if name == "http" else "direct"] += own
                commands[name] += count
                rates[name], runs[name] = (http_rates if name == "http" else direct_rates).add(count, seconds), (count, seconds)
                (http_lat if name == "http" else direct_lat).extend(latencies)
            pair = pairs.add(rates["http"], *runs["direct"])
            ctx.log(f"{NAME} rep {rep}/{ctx.repetitions}: HTTP {rates['http']:,.0f} commands/s, in-process "
                    f"{rates['direct']:,.0f} commands/s, ratio {pair.ratio:.2f} ({CLIENTS} clients)")  # fmt: skip
    finally:
        server.terminate()
        server.wait(15)
        ledger.close()
    ms = 1000
    return [Result(
        benchmark=NAME, database=ctx.target.database,
        measured={"commands/s": http_rates.median}, compared="commands/s",
        baseline_label="same commands in-process (service layer)", baseline=direct_rates.median, goal=GOAL,
        detail=(f"{CLIENTS} concurrent keep-alive clients / threads, {groups} groups x 5 commands per path and "
                f"repetition; latency p50/p99 HTTP {percentile(http_lat, .5) * ms:.1f}/{percentile(http_lat, .99) * ms:.1f} ms, "
                f"in-process {percentile(direct_lat, .5) * ms:.1f}/{percentile(direct_lat, .99) * ms:.1f} ms; "
                f"CPU per command: server {cpu['server'] / commands['http'] * ms:.2f} ms + client "
                f"{cpu['client'] / commands['http'] * ms:.2f} ms through HTTP, "
                f"{cpu['direct'] / commands['direct'] * ms:.2f} ms in-process; "
                f"ratios {', '.join(f'{r:.2f}' for r in pairs.ratios)}"),
        pairs=pairs,
    )]  # fmt: skip
