"""``api``: commands per second through HTTP against the same commands called on the
service layer in-process, same database, same run.

Both paths run the same script (five commands per group: request, appoint a manager,
OAR approval, two joins) with the same concurrency: ``CLIENTS`` threads, each taking
whole groups. Through HTTP each thread is a keep-alive ``http.client`` connection to the
API on uvicorn on a loopback port, with bearer tokens of the local issuer (so every request
is verified); the API runs as ``oar-ledger serve`` in its own process(es), as in
production, so clients and server do not share one interpreter. It is measured with one
worker process and, on PostgreSQL, with two (``serve --workers 2``: one per core here),
each against the same in-process run of its repetition. Bounded by count and by
``TIME_CAP`` seconds per path and repetition.
Goal (issue 10): HTTP / in-process >= 0.5 on PostgreSQL with 4 clients.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from bench.api_server import HttpPath, Server
from bench.harness import Context, Result, Samples
from bench.rules import Pairs
from bootstrap import build_ledger, build_local_issuer
from domain import commands as c
from domain.actors import Actor
from infra.clock import system_clock

NAME = "api"
GOAL = 0.5
CLIENTS = 4
GROUPS, QUICK_GROUPS = 600, 24  # 3,000 commands: in-process on PostgreSQL takes over the 5 s a raw run needs
TIME_CAP = 60.0
PEOPLE = {"founder": "m-1001", "oar": "oar-1", "a": "a-101", "b": "a-102"}
MS = 1000


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


def in_process(app) -> Callable[[str, list[float]], None]:
    def work(slug: str, latencies: list[float]) -> None:
        for *_, command in script(slug):
            started = time.perf_counter()
            app.execute(command)
            latencies.append(time.perf_counter() - started)

    return work


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1] if len(values) > 1 else values[0]


class Measured:
    """One way of running the script (through a server of ``workers`` processes, or
    in-process when there is no server), and what it measured over the repetitions."""

    def __init__(self, work: Callable[[str, list[float]], None], server: Server | None = None) -> None:
        self.work, self.server = work, server
        workers = server.workers if server else 0
        self.key = f"h{workers}" if server else "d"  # in the group slugs
        self.label = f"HTTP {workers} worker{'s' if workers > 1 else ''}" if server else "in-process"
        self.rates, self.runs, self.latencies = Samples(), {}, []
        self.commands, self.own_cpu, self.server_cpu = 0, 0.0, 0.0

    def measure(self, rep: int, groups: int) -> None:
        server_before, own_before = self._server_cpu(), time.process_time()
        count, seconds, latencies = run_concurrently([f"r{rep}-{self.key}-{i:04d}" for i in range(groups)], self.work)
        self.own_cpu += time.process_time() - own_before
        self.server_cpu += self._server_cpu() - server_before
        self.rates.add(count, seconds)
        self.runs[rep], self.commands = (count, seconds), self.commands + count
        self.latencies.extend(latencies)

    def _server_cpu(self) -> float:
        return self.server.cpu_seconds() if self.server else 0.0

    def describe(self) -> str:
        p50, p99 = percentile(self.latencies, .5) * MS, percentile(self.latencies, .99) * MS
        own = f"{self.own_cpu / self.commands * MS:.2f} ms"
        cpu = f"server {self.server_cpu / self.commands * MS:.2f} ms CPU per command, client {own}" if self.server \
            else f"{own} CPU per command"
        return f"{self.label}: latency p50/p99 {p50:.1f}/{p99:.1f} ms, {cpu}"


def run(ctx: Context) -> list[Result]:
    groups = QUICK_GROUPS if ctx.quick else GROUPS
    settings = ctx.target.settings
    ledger = build_ledger(settings, system_clock)
    issuer = build_local_issuer(settings)
    now, hour = system_clock(), timedelta(hours=2)
    tokens = {who: issuer.issue(person, [settings.oar_claim_value] if who == "oar" else [], hour, now)
              for who, person in PEOPLE.items()}  # fmt: skip
    servers = {workers: Server(settings, workers) for workers in ((1, 2) if settings.uses_postgres else (1,))}
    paths = [Measured(HttpPath(server.port, tokens, script), server) for server in servers.values()]
    direct = Measured(in_process(ledger.app))
    try:
        for path in (*paths, direct):
            run_concurrently([f"warm-{path.key}-{i}" for i in range(8)], path.work)
        for rep in range(1, ctx.repetitions + 1):
            order = [*paths, direct]
            for path in order[rep % len(order):] + order[: rep % len(order)]:  # each path first in turn
                path.measure(rep, groups)
            ctx.log(f"{NAME} rep {rep}/{ctx.repetitions}: " + ", ".join(
                f"{p.label} {p.rates.rates[-1]:,.0f}" for p in (*paths, direct)) + f" commands/s ({CLIENTS} clients)")
    finally:
        for server in servers.values():
            server.stop()
        ledger.close()
    return [result(ctx, path, direct, groups) for path in paths]


def result(ctx: Context, http: Measured, direct: Measured, groups: int) -> Result:
    pairs = Pairs()
    for rep, (count, seconds) in direct.runs.items():
        pairs.add(http.rates.rates[rep - 1], count, seconds)
    workers = http.server.workers if http.server else 1
    name = NAME if workers == 1 else f"{NAME} ({workers} workers)"
    return Result(
        benchmark=name, database=ctx.target.database,
        measured={"commands/s": http.rates.median}, compared="commands/s",
        baseline_label="same commands in-process (service layer)", baseline=direct.rates.median, goal=GOAL,
        detail=(f"{CLIENTS} concurrent keep-alive clients / threads, {groups} groups x 5 commands per path and "
                f"repetition; {http.describe()}; {direct.describe()}; ratios {', '.join(f'{r:.2f}' for r in pairs.ratios)}"),
        pairs=pairs,
    )  # fmt: skip
