"""Accumulated perf_counter time per stage, by wrapping the functions on a measured path
for the duration of a ``with`` (product code is not changed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any


class Splits:
    """Accumulated perf_counter time per timer, by wrapping the functions on the path."""

    @contextmanager
    def wrapping(self, patches: list[tuple[Any, str, str]]) -> Iterator[None]:
        """Wrap each ``(owner, attribute)`` with timer ``name`` for the duration."""
        saved = []
        for owner, attribute, timer in patches:
            original = getattr(owner, attribute)
            own = vars(owner).get(attribute)  # None: inherited or bound, delete to restore
            saved.append((owner, attribute, own))
            setattr(owner, attribute, self.wrap(timer, original))
        try:
            yield
        finally:
            for owner, attribute, own in reversed(saved):
                if own is not None:
                    setattr(owner, attribute, own)
                else:
                    delattr(owner, attribute)

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, timer: str, function: Callable) -> Callable:
        seconds, calls = self.seconds, self.calls

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[timer] += perf_counter() - start
                calls[timer] += 1

        return timed
