"""Metrics read from the ledger database when Prometheus scrapes: they hold across processes
(a refusal recorded by the API, a `verify` run from the CLI) and survive restarts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from infra.evidence.checkpoint import parse_time
from infra.evidence.checkpoint_store import checkpoints
from infra.evidence.verify_runs import last_run
from infra.kafka.relay_state import relay_state
from infra.store.refusals import refused_commands


class LedgerCollector(Collector):
    """Refusals by rule and clause, the newest checkpoint's age and size, the last
    verification's result and duration, and the events stored (the store's last position).

    Given ``relay_topic``, also the relay's lag read from its progress table (events stored,
    not yet acknowledged by the broker); given ``projected`` (the read models' last applied
    position), the read models' lag: what a process other than the relay and the projector
    (the API) reports about them."""

    def __init__(
        self, engine: Engine, stored: Callable[[], int], clock: Callable[[], datetime], *,
        relay_topic: str | None = None, projected: Callable[[], int] | None = None,
    ) -> None:  # fmt: skip
        self.engine, self.stored, self.clock = engine, stored, clock
        self.relay_topic, self.projected = relay_topic, projected

    def collect(self) -> Iterator:
        up = GaugeMetricFamily("oar_ledger_database_up", "1 if the ledger database answered this scrape")
        try:
            families = list(self._families())
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator:
        stored = GaugeMetricFamily("oar_ledger_events_stored", "Events in the event store (its last position)")
        events = self.stored()
        stored.add_metric([], events)
        yield stored
        yield from self._lags(events)
        yield self._refusals()
        yield from self._checkpoint()
        yield from self._verification()

    def _lags(self, events: int) -> Iterator:
        if self.relay_topic is not None:
            query = select(relay_state.c.position).where(relay_state.c.topic == self.relay_topic)
            with self.engine.connect() as connection:
                acknowledged = connection.execute(query).scalar() or 0
            relay = GaugeMetricFamily("oar_ledger_relay_lag_events",
                                      "Events stored but not yet acknowledged by the broker (the relay's progress table)")  # fmt: skip
            relay.add_metric([], max(0, events - acknowledged))
            yield relay
        if self.projected is not None:
            projection = GaugeMetricFamily("oar_ledger_projection_lag_events",
                                           "Events stored but not yet applied to the read models (their audit trail)")  # fmt: skip
            projection.add_metric([], max(0, events - self.projected()))
            yield projection

    def _refusals(self) -> CounterMetricFamily:
        family = CounterMetricFamily(
            "oar_refusals", "Commands refused by a rule, by rule and clause", labels=["rule", "clause"]
        )
        query = select(refused_commands.c.rule, refused_commands.c.clause, func.count()).group_by(
            refused_commands.c.rule, refused_commands.c.clause
        )
        with self.engine.connect() as connection:
            for rule, clause, count in connection.execute(query):
                family.add_metric([rule, clause], count)
        return family

    def _checkpoint(self) -> Iterator:
        query = select(checkpoints.c.size, checkpoints.c.time).order_by(checkpoints.c.size.desc()).limit(1)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return
        age = GaugeMetricFamily("oar_checkpoint_age_seconds", "Seconds since the newest signed checkpoint")
        age.add_metric([], max(0.0, (self.clock() - parse_time(row.time)).total_seconds()))
        size = GaugeMetricFamily("oar_checkpoint_tree_size", "Events covered by the newest signed checkpoint")
        size.add_metric([], row.size)
        yield from (age, size)

    def _verification(self) -> Iterator:
        run = last_run(self.engine)
        if run is None:
            return
        for name, help_text, value in (
            ("oar_verify_last_success", "1 if the last `verify` found everything consistent, else 0", float(run.ok)),
            ("oar_verify_last_duration_seconds", "How long the last `verify` took", run.duration_seconds),
            ("oar_verify_last_timestamp_seconds", "When the last `verify` finished", run.finished_at.timestamp()),
            ("oar_verify_last_events", "Events the last `verify` checked", float(run.events)),
        ):
            family = GaugeMetricFamily(name, help_text)
            family.add_metric([], value)
            yield family
