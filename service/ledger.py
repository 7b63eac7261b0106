"""The ledger application: ``execute`` runs any command, on eventsourcing's Application.

Each command loads its group, lets the aggregate check the rules and record
events, and saves them in one transaction. A version conflict (another writer
saved the group first) reloads and re-runs the whole command, a bounded number
of times, then reports :class:`ConflictError`. Refusals are logged for audit.

A long-running process (the demo, a service) keeps the groups its commands saved
in a small cache, so the next command on a group needs no read. The cache never
decides anything on its own: a command accepted on a stale copy collides with the
newer version on save (the store's unique version) and is re-run on fresh state,
and a refusal is only reported after the same command was refused on fresh state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache
from eventsourcing.persistence import IntegrityError, Mapper
from eventsourcing.utils import get_topic

from domain import commands as c
from domain.canonical import use_encoder
from domain.aggregates.group import Group
from domain.aggregates.snapshot import GroupSnapshot
from domain.errors import AlreadyRecorded, DomainError, NotFound, RuleViolation
from domain.events.base import LedgerEvent
from domain.events.group import GroupRequested
from domain.ids import group_id
from infra.canonical import canonical_bytes
from infra.store.mapper import PydanticMapper, decode_state
from infra.store.refusals import Refusal, RefusalLog
from service.errors import ConflictError, StaleVersion
from service.operations import OPERATIONS, Operation

C = TypeVar("C", bound=c.GroupCommand)


@dataclass(frozen=True)
class Receipt:
    """What a successful command recorded."""

    group: str
    group_id: UUID
    events: tuple[str, ...]
    versions: tuple[int, ...]
    positions: tuple[int, ...]


def _fold(group: Group | None, events: Iterable[LedgerEvent]) -> Group | None:
    """Replay events onto a group (or a snapshot). Our events are typed pydantic models,
    so the library's per-event protocol check (costly on Python 3.11) is not needed."""
    for event in events:
        group = event.mutate(group)
    return group


class LedgerApplication(Application):
    name = "OARLedger"
    # A snapshot every 100 versions keeps loading a long-lived group (for a command
    # or an as-of query) to one snapshot plus at most 99 events.
    snapshotting_intervals: ClassVar[dict[type, int]] = {Group: 100}
    snapshotting_projectors: ClassVar[dict[type, Any]] = {Group: _fold}
    snapshot_class = GroupSnapshot

    def __init__(
        self,
        env: dict[str, str],
        clock: Callable[[], datetime],
        refusals: RefusalLog | None = None,
        conflict_retries: int = 5,
        cache_size: int = 0,
    ) -> None:
        super().__init__(env=env)
        use_encoder(canonical_bytes)  # events hash their canonical bytes written by orjson (the same bytes)
        self.clock = clock
        self.refusals = refusals
        self.conflict_retries = conflict_retries
        self._saved: LRUCache[str, Group] | None = LRUCache(cache_size) if cache_size > 0 else None

    def construct_mapper(self) -> Mapper:
        return PydanticMapper(transcoder=self.construct_transcoder())

    # -- commands ------------------------------------------------------------------

    def execute(self, command: c.GroupCommand, expected_version: int | None = None) -> Receipt:
        """Run ``command`` on its group: the one entry point of every write. With
        ``expected_version`` (an HTTP If-Match) the command runs only on that version of
        the group, else :class:`StaleVersion`; a concurrent save re-checks it on retry."""
        if isinstance(command, c.RequestGroup):
            return self._request_group(command)
        try:
            operation = OPERATIONS[type(command)]
        except KeyError:
            raise TypeError(f"no operation for {type(command).__name__}") from None
        return self._change(command, operation, expected_version)

    def _request_group(self, command: c.RequestGroup) -> Receipt:
        # No existence read first: the id is derived from the slug, so a duplicate
        # collides with the recorded group on save (one read less per request).
        at = self.clock()
        group = self._attempt(command, at, lambda: Group.request(command, at))
        try:
            receipt = self._save(group)
        except IntegrityError:
            raise AlreadyRecorded(f"group {command.group} is already in the ledger") from None
        self._keep(command.group, group)
        return receipt

    # -- queries -------------------------------------------------------------------

    def group(self, slug: str) -> Group:
        try:
            return self.repository.get(group_id(slug), projector_func=_fold)
        except AggregateNotFoundError:
            raise NotFound("group", slug) from None

    def group_events(self, slug: str) -> list[LedgerEvent]:
        events = list(self.events.get(group_id(slug)))
        if not events:
            raise NotFound("group", slug)
        return events

    def group_as_of(self, slug: str, moment: datetime) -> Group:
        """The group as it stood at ``moment`` (ledger time), rebuilt from its events
        (and the nearest snapshot before them)."""
        version = self._last_version_at(group_id(slug), moment, self.group(slug).version)
        if version == 0:
            raise NotFound("group", f"{slug} as of {moment.isoformat()} (it was requested later)")
        return self.repository.get(group_id(slug), version=version, projector_func=_fold)

    def _last_version_at(self, aggregate_id: UUID, moment: datetime, latest: int) -> int:
        """Binary search over versions: ledger time never decreases within a group."""
        low, high = 0, latest
        while low < high:
            middle = (low + high + 1) // 2
            if self._time_of(aggregate_id, middle) <= moment:
                low = middle
            else:
                high = middle - 1
        return low

    def _time_of(self, aggregate_id: UUID, version: int) -> datetime:
        (stored,) = self.recorder.select_events(aggregate_id, gt=version - 1, lte=version)
        return datetime.fromisoformat(decode_state(stored)["timestamp"])

    def group_slugs(self) -> Iterator[str]:
        """Every group ever requested, in ledger order."""
        topic = get_topic(GroupRequested)
        start = 1
        while True:
            batch = self.recorder.select_notifications(start, 500, topics=[topic])
            for notification in batch:
                yield self.mapper.to_domain_event(notification).slug
            if len(batch) < 500:
                return
            start = batch[-1].id + 1

    # -- mechanics -----------------------------------------------------------------

    def _change(self, command: C, operation: Operation, expected_version: int | None = None) -> Receipt:
        attempts, use_cache = 0, True
        while attempts < self.conflict_retries:
            group, cached = self._for_command(command.group, use_cache)
            if expected_version is not None and group.version != expected_version:
                if cached:  # the copy may be stale: compare with fresh state
                    use_cache = False
                    continue
                raise StaleVersion(command.group, expected_version, group.version)
            at = max(self.clock(), group.modified_on)  # ledger time never runs backwards in a group
            try:
                operation(group, command, at)
                receipt = self._save(group)
            except DomainError as refusal:  # a refusal, or e.g. a gathering the copy does not know yet
                if cached:  # the copy may be stale: decide again on fresh state (not a conflict)
                    use_cache = False
                    continue
                if isinstance(refusal, RuleViolation):
                    self._log_refusal(command, at, refusal)
                raise
            except IntegrityError:
                attempts += 1  # someone saved this group first: reload and re-run
                continue
            self._keep(command.group, group)
            return receipt
        raise ConflictError(
            f"group {command.group} kept changing under {type(command).__name__}; "
            f"gave up after {self.conflict_retries} attempts, nothing recorded"
        )

    def _for_command(self, slug: str, use_cache: bool) -> tuple[Group, bool]:
        """The group to run a command on, and whether it is the cached copy. A cached copy is
        taken out of the cache: no other thread can change it, and a failed command (which
        may have changed it halfway) simply drops it."""
        if self._saved is not None and use_cache:
            try:
                return self._saved.get(slug, evict=True), True
            except KeyError:
                pass
        return self.group(slug), False

    def _keep(self, slug: str, group: Group) -> None:
        if self._saved is not None:
            self._saved.put(slug, group)

    def _attempt(self, command: c.GroupCommand, at: datetime, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except RuleViolation as refusal:
            self._log_refusal(command, at, refusal)
            raise

    def _log_refusal(self, command: c.GroupCommand, at: datetime, refusal: RuleViolation) -> None:
        if self.refusals is not None:
            self.refusals.record(
                Refusal(
                    at=at,
                    actor_id=command.actor.id,
                    actor_role=command.actor.role.value,
                    command=type(command).__name__,
                    group_slug=command.group,
                    rule=refusal.rule,
                    clause=refusal.clause,
                    message=refusal.message,
                )
            )

    def _save(self, group: Group) -> Receipt:
        events = group.collect_events()
        positions = self._save_group(group, events)
        return Receipt(
            group=group.slug,
            group_id=group.id,
            events=tuple([type(e).type_name() for e in events]),  # lists: faster than generators here
            versions=tuple([e.originator_version for e in events]),
            positions=tuple(positions),
        )

    def _save_group(self, group: Group, events: list[LedgerEvent]) -> Sequence[int]:
        """``Application.save(group)`` for the group's collected ``events``, in one
        transaction; returns their notification ids (positions). What ``save`` does beyond
        that is not needed here: its runtime-checkable Protocol ``isinstance`` checks
        (~25 µs each on Python 3.11) find out that ``group`` is an aggregate, ``Recording``
        objects pair each event with its notification for ``_notify`` (not overridden), and
        the deprecated ``notify``."""
        to_stored = self.mapper.to_stored_event
        positions = self.recorder.insert_events([to_stored(event) for event in events]) or ()
        cache = self.repository.cache
        if cache and not self.repository.fastforward:  # the library's own cache, if configured
            cache.put(group.id, group)
        self._take_snapshots_of(group, events)
        return positions

    def _take_snapshots_of(self, group: Group, events: list[LedgerEvent]) -> None:
        """``Application._take_snapshots``: a snapshot at every ``snapshotting_intervals`` version."""
        interval = self.snapshotting_intervals.get(type(group)) if self.snapshots else None
        if interval is None:
            return
        for event in events:
            if event.originator_version % interval == 0:
                self.take_snapshot(group.id, version=event.originator_version, projector_func=_fold)
