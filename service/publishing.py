"""Publishing in-process (the embedded default and the demo), one relay at a time."""

from __future__ import annotations

from typing import Any

from bootstrap import build_relay
from service.relay import BrokerDataLoss
from infra.kafka.relay_lock import relay_lock


def publish_pending(ledger: Any, bootstrap: str, *, ephemeral_broker: bool) -> tuple[int, int]:
    """Publish every event the broker has not acknowledged; (sent, ledger position).

    The development broker keeps nothing when it stops, so a new one looks like a
    broker that lost data: it is simply republished. A real broker that lost data
    raises :class:`BrokerDataLoss` (the operator decides: ``relay --republish``).
    Raises ``RelayBusy`` if another relay holds the lock.
    """
    with relay_lock(ledger.settings, ledger.engine):
        relay = build_relay(ledger, bootstrap)
        try:
            relay.check()
        except BrokerDataLoss:
            if not ephemeral_broker:
                raise
            relay.republish()
        sent = relay.drain()
        return sent, relay.state.load().position
