"""The projector in follow mode survives broker outages and stalls, as the relay does.

A consumer that cannot reach the broker (at start, or when a request times out) is
closed, the outage logged, and a new projector built after a backoff (1 s, doubling up
to ``max_backoff``). The read models lose nothing: their offsets are stored beside the
rows, so a new projector resumes exactly where the last transaction left off. A message
that cannot be applied (``ProjectorStopped``) is not an outage and stops it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kafka.errors import KafkaError

from infra.kafka.refusals import reason

log = logging.getLogger("oar.projector")


def follow(make_projector: Callable[[], Any], stop: threading.Event, max_backoff: float = 30.0,
           observer: Callable[[Any], Callable[[int, int], None]] | None = None) -> int:
    """Run projectors until ``stop`` is set; the number of events applied. ``observer(projector)``
    gives each new projector's progress callback (metrics and health)."""
    applied, delay = 0, 1.0
    while not stop.is_set():
        projector = None
        try:
            projector = make_projector()
            applied += projector.run(stop, progress=observer(projector) if observer else None)
            delay = 1.0
        except KafkaError as outage:
            if projector is not None:
                applied += projector.applied
            log.warning("broker unavailable or stalled (%s); projector retrying in %.0fs", reason(outage), delay)
            stop.wait(delay)
            delay = min(delay * 2, max_backoff)
        finally:
            if projector is not None:
                projector.close()
    return applied
