"""What waits for a decision, read from the groups' events: the OAR's queue (groups,
group events, speakers, sponsorships) and the membership requests managers moderate.

Each item carries since when it waits and the days waited against its pack's limit for
a timely answer (the pack's ``RequestsAnsweredInTime`` check, e.g. CERN-AG §18: 14 days;
``OAR_PENDING_REQUEST_DAYS`` overrides it). Pure functions over events; the caller
chooses which groups to read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from domain.compliance import RequestsAnsweredInTime
from domain.events import gathering as ge
from domain.events import group as gr
from domain.events import sponsorship as sp
from domain.events.base import LedgerEvent
from domain.policy.registry import policy_pack

OAR_KINDS = ("group", "event", "speaker", "sponsorship")
CLOSED = (gr.GroupRejected, gr.GroupTerminated)


@dataclass(frozen=True)
class PendingItem:
    """One thing waiting: ``kind`` is group, event, speaker, sponsorship or membership."""

    kind: str
    group: str
    group_name: str
    since: datetime
    waited_days: int
    limit_days: int
    pack: str
    gathering: str | None = None
    speaker: str | None = None
    sponsorship: str | None = None
    member: str | None = None
    title: str | None = None
    criteria: tuple[str, ...] = field(default_factory=tuple)

    @property
    def overdue(self) -> bool:
        return self.waited_days > self.limit_days


def limit_days(pack: str, override: int | None = None, on: datetime | None = None) -> int:
    """The pack's limit for a timely answer (days) in the version in force on ``on`` (the
    latest when None); 14 if the pack names none."""
    if override is not None:
        return override
    for check in policy_pack(pack, on).flags:
        if isinstance(check, RequestsAnsweredInTime):
            return check.days
    return 14


def pending_in(events: Iterable[LedgerEvent], on: datetime, override: int | None = None) -> list[PendingItem]:
    """Everything still waiting in one group's events (none once the group is closed)."""
    waiting: dict[tuple, tuple[datetime, dict]] = {}
    first: gr.GroupRequested | None = None
    for event in events:
        if isinstance(event, gr.GroupRequested):
            first = event
            waiting[("group",)] = (event.timestamp, {})
        elif isinstance(event, (gr.GroupApproved, gr.GroupRejected)):
            waiting.pop(("group",), None)
        elif isinstance(event, ge.GatheringProposed):
            waiting[("event", event.gathering)] = (event.timestamp, {"title": event.title})
        elif isinstance(event, (ge.GatheringApproved, ge.GatheringRejected)):
            waiting.pop(("event", event.gathering), None)
        elif isinstance(event, ge.SpeakerProposed):
            waiting[("speaker", event.gathering, event.speaker_id)] = (event.timestamp, {})
        elif isinstance(event, (ge.SpeakerApproved, ge.SpeakerRejected)):
            waiting.pop(("speaker", event.gathering, event.speaker_id), None)
        elif isinstance(event, sp.SponsorshipRequested):
            waiting[("sponsorship", event.gathering, event.sponsorship)] = (event.timestamp, {"title": event.sponsor})
        elif isinstance(event, (sp.SponsorshipApproved, sp.SponsorshipRejected)):
            waiting.pop(("sponsorship", event.gathering, event.sponsorship), None)
        elif isinstance(event, gr.MembershipRequested):
            waiting[("membership", event.member_id)] = (event.timestamp, {})
        elif isinstance(event, (gr.MembershipApproved, gr.MembershipRejected, gr.MemberLeft)):
            waiting.pop(("membership", event.member_id), None)
        if isinstance(event, CLOSED):  # nothing waits on a rejected or terminated group
            waiting.clear()
    if first is None:
        return []
    limit = limit_days(first.policy_pack, override, on)
    items = []
    for key, (since, extra) in waiting.items():
        kind = key[0]
        names = {"event": ("gathering",), "speaker": ("gathering", "speaker"),
                 "sponsorship": ("gathering", "sponsorship"), "membership": ("member",)}.get(kind, ())  # fmt: skip
        items.append(PendingItem(
            kind=kind, group=first.slug, group_name=first.name, since=since, waited_days=(on - since).days,
            limit_days=limit, pack=first.policy_pack, criteria=tuple(first.membership_criteria),
            **dict(zip(names, key[1:], strict=True)), **extra,
        ))  # fmt: skip
    return items


def oldest_first(items: Iterable[PendingItem]) -> list[PendingItem]:
    return sorted(items, key=lambda item: (item.since, item.group, item.kind))
