"""Stopping a long-running loop (the relay, the projector) on SIGTERM / SIGINT at any moment.

``StopSignals(interrupt=False)``: a signal only sets the event; the loop checks it between
steps (each bounded in time). ``StopSignals(interrupt=True)``: the signal also raises
:class:`StopRequested` in the main thread wherever it is, even blocked inside a Kafka
client waiting for a stalled broker, the way Ctrl-C raises ``KeyboardInterrupt``. The
relay uses it: whatever it was doing is either acknowledged and recorded, or sent again
by the next relay (duplicates, which consumers ignore), so abandoning it is safe; the
``with`` blocks on the way out (its lock, its database transaction) release what they hold.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class StopRequested(BaseException):
    """SIGTERM or SIGINT arrived (a BaseException, as ``KeyboardInterrupt``, so that no
    ``except Exception`` in a library swallows it)."""


class StopSignals(threading.Event):
    """An event set by SIGTERM and SIGINT while installed (``with StopSignals() as stop``)."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, interrupt: bool = False) -> None:
        super().__init__()
        self.interrupt = interrupt
        self.received: str | None = None

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.is_set():
            return  # a second signal: the first one's stop is under way
        self.received = signal.Signals(signum).name
        self.set()
        if self.interrupt:
            raise StopRequested(self.received)

    def __enter__(self) -> StopSignals:
        self._previous = {s: signal.signal(s, self._on_signal) for s in self.SIGNALS}
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    @contextmanager
    def shielded(self) -> Iterator[None]:
        """No StopRequested inside (a signal still sets the event); for short clean-ups."""
        interrupt, self.interrupt = self.interrupt, False
        try:
            yield
        finally:
            self.interrupt = interrupt
