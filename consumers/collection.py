"""The cyclic garbage collector held off while one poll is read and applied.

A poll allocates tens of thousands of short-lived objects (records, decoded bodies, events,
changes, rows); nearly all of them are freed by reference counting when its batches are
written. With the collector on, the ones alive at a time trigger young collections every
700 objects, and the survivors of a half-done batch push full collections, each walking
every object of the process (SQLAlchemy's and pydantic's included): measured under load,
about a quarter of a replay's CPU time. Held off for one poll, the collector runs afterwards
on what is left (cyclic garbage included); a poll is at most 1,000 records, so the memory
this defers stays bounded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_deferred() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's former state is restored
    after it (an enclosing pause, or a process that disabled it, stays as it was)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
