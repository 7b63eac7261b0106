"""Where the relay's time goes (``--profile``, or below the goal): per-stage timers over one
drain, and the relay's own work (read + encode) against the raw producer's time per event."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kafka import KafkaProducer
from rich.table import Table

import service.read_ahead as read_ahead_module
from bench.broker import delete_topic, fresh_topic, relay_for
from bench.harness import Context, stopwatch
from bench.splits import Splits
from bootstrap import Ledger
from infra.settings import Settings

NAME = "relay"


def own_work_us(ledger: Ledger, total: int) -> dict[str, float]:
    """µs/event of the relay's own work alone, one thread, nothing sent: read, then encode."""
    from service.relay import _encode

    recorder, batches = ledger.app.recorder, []
    with stopwatch() as read:
        start = 1
        while batch := recorder.select_notifications(start, 1000):
            batches.append(batch)
            start = batch[-1].id + 1
    with stopwatch() as encode:
        for batch in batches:
            for n in batch:
                _encode(n)
    return {"read (select_notifications)": read() / total * 1e6, "encode (encode_stored)": encode() / total * 1e6}


def breakdown(ctx: Context, ledger: Ledger, settings: Settings, bootstrap: str, total: int,
              raw_rate: float) -> None:  # fmt: skip
    """Where the time goes: the relay's own work alone, the producer's, and the drain's
    stages in the relay's thread (the read-ahead thread overlaps with them)."""
    from bench.relay import run_relay

    own = own_work_us(ledger, total)
    topical = fresh_topic(settings, bootstrap, "split")
    relay, splits = relay_for(ledger, topical, bootstrap), Splits()
    patches: list[tuple[Any, str, str]] = [
        (KafkaProducer, "send", "send"), (KafkaProducer, "flush", "flush"),
        (relay.state, "save", "record"), (read_ahead_module.ReadAhead, "__iter__", "wait for read-ahead"),
    ]  # fmt: skip
    try:
        with splits.wrapping(patches), stopwatch() as elapsed:
            relay.drain()
        seconds = elapsed()
    finally:
        relay.close()
        delete_topic(topical, bootstrap)
    table = Table(title=f"{NAME} on {ctx.target.database}: µs per event ({total:,} events)")
    table.add_column("what")
    table.add_column("µs/event", justify="right")
    for stage, us in own.items():
        table.add_row(f"relay's own work alone, one thread: {stage}", f"{us:,.1f}")
    table.add_row("raw producer (the baseline): send + flush + acks", f"{1e6 / raw_rate:,.1f}")
    for timer in ("send", "flush", "record"):
        table.add_row(f"drain, relay thread: {timer}", f"{splits.seconds[timer] / total * 1e6:,.1f}")
    table.add_row("drain, total (instrumented)", f"{seconds / total * 1e6:,.1f}", style="bold")
    ctx.console.print(table)
    sequential = 1e6 / raw_rate / (1e6 / raw_rate + sum(own.values()))
    ctx.log(f"{NAME}: done one after the other the relay could reach {sequential:.2f} of raw; overlapped "
            f"(read-ahead thread), the bound is the GIL share of encode + send")
    batch5000 = run_relay(ledger, settings, bootstrap, total, batch_size=5000)
    ctx.log(f"{NAME}: what-if batch_size 5000: {batch5000[0] / batch5000[1]:,.0f} events/s")
