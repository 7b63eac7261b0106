"""The HTTP side of the ``api`` benchmark: ``oar-ledger serve`` in its own process(es),
the load generator's connections, and the CPU each side spends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.client import HTTPConnection
from pathlib import Path

import orjson

from infra.settings import Settings

Script = Callable[[str], list[tuple]]


class HttpPath:
    """The load generator: one keep-alive connection per client thread, with the standard
    library's ``http.client`` (about 0.7 ms of CPU per request here, httpx about 2.3 ms:
    on two cores the client shares the machine with the server it measures, so the
    lightest client distorts the measurement least)."""

    def __init__(self, port: int, tokens: dict[str, str], script: Script) -> None:
        self.port, self.tokens, self.script, self.local = port, tokens, script, threading.local()

    def __call__(self, slug: str, latencies: list[float]) -> None:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        for who, method, path, body, _ in self.script(slug):
            headers = {"Authorization": f"Bearer {self.tokens[who]}", "Content-Type": "application/json"}
            started = time.perf_counter()
            connection.request(method, path, body=orjson.dumps(body), headers=headers)
            response = connection.getresponse()
            answer = response.read()
            latencies.append(time.perf_counter() - started)
            if response.status not in (200, 201):
                raise AssertionError(f"{method} {path}: {response.status} {answer[:300]!r}")


class Server:
    """``oar-ledger serve --workers N`` on a free loopback port, on the benchmark's database."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.workers = workers
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("OAR_")} | {"OAR_VAR_DIR": str(settings.var_dir)}
        if settings.database_url:
            env |= {"OAR_DATABASE_URL": settings.database_url, "OAR_DATABASE_SCHEMA": settings.database_schema or ""}
        command = [os.path.join(os.path.dirname(sys.executable), "oar-ledger"), "serve", "--port", str(self.port),
                   "--workers", str(workers)]  # fmt: skip
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_answering(60)

    def _wait_until_answering(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                connection = HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("the API did not start")

    def cpu_seconds(self) -> float:
        """CPU the server has used so far: its process and its worker processes."""
        pids = [self.process.pid, *children(self.process.pid)]
        return sum(cpu_seconds(pid) for pid in pids)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux ``/proc``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found
