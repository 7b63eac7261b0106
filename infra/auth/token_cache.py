"""A short-lived memory of tokens that already verified, so a client's every request does
not pay the signature check again.

Hand-written (an ordered dict, about twenty lines) rather than a caching library: the entry's
lifetime depends on the token's own ``exp``, and the whole of it fits on one screen.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
import threading
import time
from typing import Any


@dataclass
class VerifiedTokens:
    """Claims of recently verified tokens, keyed by the exact token text.

    An entry lives until the token expires (as the verifier judges it) or for
    ``ttl_seconds``, whichever is sooner; a key withdrawn by the issuer therefore stops
    being honoured within ``ttl_seconds``. At most ``capacity`` tokens are kept, the least
    recently used going first. Only successes are remembered: a refused token is checked
    again every time.
    """

    ttl_seconds: float = 60.0
    capacity: int = 1024
    clock: Callable[[], float] = time.time
    _entries: OrderedDict[str, tuple[float, dict[str, Any]]] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # the API verifies in threads

    def get(self, token: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            valid_until, claims = entry
            if self.clock() >= valid_until:
                del self._entries[token]
                return None
            self._entries.move_to_end(token)
        return dict(claims)  # a copy: a caller changing its claims cannot change the memory

    def remember(self, token: str, claims: dict[str, Any], expires_at: float) -> None:
        """Keep ``claims`` until ``expires_at`` (seconds since the epoch) or the TTL, if sooner."""
        if self.ttl_seconds <= 0 or self.capacity <= 0:
            return
        with self._lock:
            self._entries[token] = (min(expires_at, self.clock() + self.ttl_seconds), dict(claims))
            self._entries.move_to_end(token)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
