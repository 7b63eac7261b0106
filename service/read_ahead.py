"""The relay's read-ahead: the next batches are read and encoded while this one is sent.

A relay that reads a batch, encodes it, sends it and waits for the broker leaves the
producer idle while it reads and the database idle while it sends. ``ReadAhead`` reads
the notification log and encodes each event as its Kafka message in a thread of its
own, at most ``depth`` batches ahead (bounded memory); the relay's thread only sends.
The database read releases the GIL, so it overlaps with the producer's work.

Errors in the reading thread are raised in the consumer's thread, at the batch where
they happened; batches before it are delivered first. Closing stops the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

Encoded = tuple[int, bytes, bytes, list[tuple[str, bytes]]]
"""(ledger position, key, value, headers) of one message."""

_END = object()


class ReadAhead:
    """Iterate over encoded batches read from position ``after + 1`` until the log's end."""

    def __init__(self, read: Callable[[int, int], Sequence[Any]], encode: Callable[[Any], Encoded],
                 after: int, batch_size: int, depth: int = 2) -> None:  # fmt: skip
        self._read, self._encode = read, encode
        self._after, self._batch_size = after, batch_size
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relay-read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        position = self._after
        try:
            while not self._stop.is_set():
                batch = self._read(position + 1, self._batch_size)
                if not batch:
                    break
                encoded = [self._encode(n) for n in batch]
                if not self._put(encoded):
                    return
                position = batch[-1].id
        except BaseException as error:  # noqa: BLE001 - handed to the consuming thread
            self._put(error)
            return
        self._put(_END)

    def _put(self, item: Any) -> bool:
        """Wait for room (bounded read-ahead), unless closed; False if closed."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[list[Encoded]]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get_nowait()  # unblock a waiting put
            except queue.Empty:
                self._thread.join(timeout=0.05)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
