"""Benchmarks: ``python -m bench`` (``make bench``) runs every module listed here.

Each entry is ``(name, run)`` with ``run(ctx: bench.harness.Context) -> list[Result]``;
add a benchmark module (relay, replay, verify ...) by appending one line.
Performance is measured here, never by timed assertions in tests.
"""

from __future__ import annotations

from collections.abc import Callable

from bench import api, as_of, commands, latency, relay, replay, replay_memory, verify, verify_large
from bench.harness import Context, Result

BENCHMARKS: list[tuple[str, Callable[[Context], list[Result]]]] = [
    (commands.NAME, commands.run),
    (verify.NAME, verify.run),
    (verify_large.NAME, verify_large.run),
    (relay.NAME, relay.run),
    (replay.NAME, replay.run),
    (latency.NAME, latency.run),
    ("replay-memory", replay_memory.run),
    (as_of.NAME, as_of.run),
    (api.NAME, api.run),
]
