"""What waits for a decision, read from the groups' events: the OAR's queue (groups,
group events, speakers, sponsorships) and the membership requests managers moderate.

Each item carries since when it waits and the days waited against its pack's limit for
a timely answer (the pack's timeliness check: CERN-AG §18, 14 days; LSE, 3 working days,
counted without weekends and the closure days of the calendar passed in;
``OAR_PENDING_REQUEST_DAYS`` overrides the limit). A §9 rejection held for review is an
OAR item (``held-rejection``) until the OAR upholds or overturns it; overturned, the
request waits for the managers again since it was made. Pure functions over events; the
caller chooses which groups to read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from domain.calendar import WorkingCalendar
from domain.compliance import ComplianceCheck, RequestsAnsweredInTime
from domain.events import gathering as ge
from domain.events import group as gr
from domain.events import sponsorship as sp
from domain.events.base import LedgerEvent
from domain.policy.lse_rules import RequestsAnsweredInWorkingDays
from domain.policy.registry import policy_pack

OAR_KINDS = ("group", "event", "speaker", "sponsorship", "held-rejection")
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
    working_days: bool = False  # waited_days and limit_days count working days (LSE)
    criterion: str | None = None  # held-rejection: the criterion the manager cited
    held_reason: str | None = None  # held-rejection: the manager's reason
    held_by: str | None = None
    grounds: tuple[str, ...] = field(default_factory=tuple)  # held-rejection: the grounds the screen found

    @property
    def overdue(self) -> bool:
        return self.waited_days > self.limit_days


def _timeliness(pack: str, on: datetime | None) -> ComplianceCheck | None:
    for check in policy_pack(pack, on).flags:
        if isinstance(check, (RequestsAnsweredInTime, RequestsAnsweredInWorkingDays)):
            return check
    return None


def limit_days(pack: str, override: int | None = None, on: datetime | None = None) -> int:
    """The pack's limit for a timely answer (days, or working days for LSE) in the version
    in force on ``on`` (the latest when None); 14 if the pack names none."""
    if override is not None:
        return override
    check = _timeliness(pack, on)
    return check.days if check is not None else 14  # type: ignore[attr-defined]


def pending_in(events: Iterable[LedgerEvent], on: datetime, override: int | None = None,
               calendar: WorkingCalendar | None = None) -> list[PendingItem]:  # fmt: skip
    """Everything still waiting in one group's events (none once the group is closed);
    ``calendar``: the closure days where a pack counts working days."""
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
        elif isinstance(event, gr.MembershipRejectionHeld):
            requested = waiting.pop(("membership", event.member_id), (event.timestamp, {}))[0]
            waiting[("held-rejection", event.member_id)] = (event.timestamp, {
                "criterion": event.criterion, "held_reason": event.reason, "held_by": event.actor_id,
                "grounds": tuple(event.grounds), "requested_at": requested})  # fmt: skip
        elif isinstance(event, (gr.MembershipRejectionUpheld, gr.MembershipRejectionOverturned)):
            held = waiting.pop(("held-rejection", event.member_id), None)
            if isinstance(event, gr.MembershipRejectionOverturned) and held is not None:
                waiting[("membership", event.member_id)] = (held[1]["requested_at"], {})
        if isinstance(event, CLOSED):  # nothing waits on a rejected or terminated group
            waiting.clear()
    if first is None:
        return []
    limit = limit_days(first.policy_pack, override, on)
    working = isinstance(_timeliness(first.policy_pack, on), RequestsAnsweredInWorkingDays)
    calendar = calendar or WorkingCalendar()
    items = []
    for key, (since, extra) in waiting.items():
        kind = key[0]
        names = {"event": ("gathering",), "speaker": ("gathering", "speaker"), "sponsorship": ("gathering", "sponsorship"),
                 "membership": ("member",), "held-rejection": ("member",)}.get(kind, ())  # fmt: skip
        waited = calendar.working_days_between(since.date(), on.date()) if working else (on - since).days
        extra = {k: v for k, v in extra.items() if k != "requested_at"}
        items.append(PendingItem(
            kind=kind, group=first.slug, group_name=first.name, since=since, waited_days=waited, limit_days=limit,
            pack=first.policy_pack, criteria=tuple(first.membership_criteria), working_days=working,
            **dict(zip(names, key[1:], strict=True)), **extra,
        ))  # fmt: skip
    return items


def oldest_first(items: Iterable[PendingItem]) -> list[PendingItem]:
    return sorted(items, key=lambda item: (item.since, item.group, item.kind))
