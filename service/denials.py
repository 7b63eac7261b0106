"""Denied attempts through the API (401, 403) go to the refusal log, rate-limited.

Rule refusals are logged by the ledger application itself. Attempts refused before a
command reaches it (no or bad token, an auditor writing, a member reading oversight
data) are logged here, at most ``per_minute`` a minute: a flood of bad tokens cannot
fill the disk. What was dropped is counted, and the count is logged with the next
attempt that is recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from domain.policy.base import OAR_GOVERNANCE
from infra.store.refusals import Refusal, RefusalLog

UNAUTHENTICATED = "unauthenticated"


class TokenBucket:
    """``rate`` events a minute with a burst of ``rate``; thread-safe."""

    def __init__(self, per_minute: int, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.per_second, self.monotonic = float(per_minute), per_minute / 60.0, monotonic
        self.tokens, self.last = float(per_minute), monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.per_second)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


def _bounded(text: str, limit: int) -> str:
    """Untrusted text (paths, reasons): printable only, bounded."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:limit]


class DenialRecorder:
    def __init__(self, log: RefusalLog, bucket: TokenBucket, clock: Callable[[], datetime]) -> None:
        self.log, self.bucket, self.clock = log, bucket, clock
        self.dropped = 0

    def record(self, subject: str | None, action: str, group: str | None, rule: str, message: str) -> bool:
        """Log one denied attempt; False if the rate limit dropped it."""
        if not self.bucket.take():
            self.dropped += 1
            return False
        dropped, self.dropped = self.dropped, 0
        note = f" ({dropped} earlier denied attempt(s) not logged: rate limit)" if dropped else ""
        self.log.record(Refusal(
            at=self.clock(), actor_id=_bounded(subject or UNAUTHENTICATED, 64), actor_role="-",
            command=_bounded(action, 64), group_slug=_bounded(group or "-", 64), rule=_bounded(rule, 64),
            clause=OAR_GOVERNANCE, message=_bounded(message, 500) + note,
        ))  # fmt: skip
        return True
