"""The relay's read-ahead: every batch in order, encoded, bounded, errors surfaced, closable."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from service.read_ahead import ReadAhead

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Note:
    id: int


def log_of(size: int, gaps: tuple[int, ...] = ()):
    """A notification log of positions 1..size (minus gaps), read as the recorder reads it."""
    positions = [p for p in range(1, size + 1) if p not in gaps]
    reads: list[int] = []

    def read(start: int, limit: int) -> list[Note]:
        reads.append(start)
        return [Note(p) for p in positions if p >= start][:limit]

    return read, reads


def encode(n: Note):
    return n.id, str(n.id).encode(), b"v", []


def test_every_position_after_the_start_in_order_batch_by_batch() -> None:
    read, reads = log_of(25, gaps=(7, 8))
    with ReadAhead(read, encode, after=3, batch_size=10) as batches:
        got = [[m[0] for m in batch] for batch in batches]
    assert got == [[4, 5, 6, 9, 10, 11, 12, 13, 14, 15], [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]]
    assert reads == [4, 16, 26]


def test_it_reads_at_most_depth_batches_ahead_of_the_sender() -> None:
    read, reads = log_of(1000)
    with ReadAhead(read, encode, after=0, batch_size=10, depth=2) as batches:
        first = next(iter(batches))
        time.sleep(0.3)
        # one batch taken, two waiting in the queue, one read and held by the thread
        assert first[0][0] == 1 and len(reads) == 4


def test_an_error_in_the_reader_is_raised_in_the_sender_after_the_batches_before_it() -> None:
    def read(start: int, limit: int) -> list[Note]:
        if start > 10:
            raise RuntimeError("database gone")
        return [Note(p) for p in range(start, start + limit)]

    got = []
    with pytest.raises(RuntimeError, match="database gone"), ReadAhead(read, encode, 0, 5) as batches:
        for batch in batches:
            got.append(batch[-1][0])
    assert got == [5, 10]


def test_closing_early_stops_the_reading_thread() -> None:
    read, _ = log_of(100_000)
    before = threading.active_count()
    ahead = ReadAhead(read, encode, after=0, batch_size=10, depth=1)
    next(iter(ahead))
    ahead.close()
    assert threading.active_count() == before
