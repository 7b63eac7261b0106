"""Publishing in-process (the embedded default and the demo), one relay at a time."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from service.relay import BrokerDataLoss, Relay


def publish_pending(
    relay: Relay, lock: AbstractContextManager[object], *, ephemeral_broker: bool,
    on_republish: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Publish every event the broker has not acknowledged; (sent, ledger position).

    ``lock`` is the one-relay-per-ledger lock (``bootstrap.build_relay_lock``); it raises
    ``RelayBusy`` if another relay holds it. The development broker keeps nothing when it
    stops, so a new one looks like a broker that lost data: it is simply republished. A
    real broker that lost data raises :class:`BrokerDataLoss` (the operator decides:
    ``relay --republish``). ``on_republish`` marks the rest of what the broker lost (the
    signed checkpoints and the refusals) to be sent again.
    """
    with lock:
        try:
            relay.check()
        except BrokerDataLoss:
            if not ephemeral_broker:
                raise
            relay.republish()
            if on_republish is not None:
                on_republish()
        sent = relay.drain()
        return sent, relay.state.load().position
