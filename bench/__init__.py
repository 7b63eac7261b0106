"""Benchmarks: ``python -m bench`` (``make bench``) runs every module listed here.

Each entry is ``(name, run)`` with ``run(ctx: bench.harness.Context) -> list[Result]``;
add a benchmark module (relay, replay, verify ...) by appending one line.
Performance is measured here, never by timed assertions in tests.
"""

from __future__ import annotations

from collections.abc import Callable

from bench import commands, verify
from bench import api, relay, replay
from bench.harness import Context, Result

BENCHMARKS: list[tuple[str, Callable[[Context], list[Result]]]] = [
    (commands.NAME, commands.run),
    (verify.NAME, verify.run),
    (relay.NAME, relay.run),
    (replay.NAME, replay.run),
    (api.NAME, api.run),
]
