"""Publishing in-process (the embedded default and the demo), one relay at a time."""

from __future__ import annotations

from contextlib import AbstractContextManager

from service.relay import BrokerDataLoss, Relay


def publish_pending(
    relay: Relay, lock: AbstractContextManager[object], *, ephemeral_broker: bool
) -> tuple[int, int]:
    """Publish every event the broker has not acknowledged; (sent, ledger position).

    ``lock`` is the one-relay-per-ledger lock (``bootstrap.build_relay_lock``); it raises
    ``RelayBusy`` if another relay holds it. The development broker keeps nothing when it
    stops, so a new one looks like a broker that lost data: it is simply republished. A
    real broker that lost data raises :class:`BrokerDataLoss` (the operator decides:
    ``relay --republish``).
    """
    with lock:
        try:
            relay.check()
        except BrokerDataLoss:
            if not ephemeral_broker:
                raise
            relay.republish()
        sent = relay.drain()
        return sent, relay.state.load().position
