"""Builders shared by the application tests (no tests here).

Imported by the ``test_application_*`` modules the way the unit tests import their
support module: pytest puts this folder on ``sys.path`` (no ``__init__.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import commands as c
from domain.actors import Actor
from domain.events.base import LedgerEvent
from domain.values import Role
from bootstrap import Ledger
from service.ledger import LedgerApplication, Receipt

OAR = Actor(id="oar-1", role=Role.OAR_OFFICER)
CRITERION = "was a member of the CMS collaboration"
OBJECTIVES = "Connect alumni of the CMS collaboration"


def manager(person: str) -> Actor:
    return Actor(id=person, role=Role.GROUP_MANAGER)


def member(person: str) -> Actor:
    return Actor(id=person, role=Role.MEMBER)


def request_group(
    app: LedgerApplication,
    slug: str,
    *,
    visibility: str = "private",
    managers: tuple[str, ...] = ("m-1", "m-2"),
    by: str = "m-1",
) -> Receipt:
    return app.execute(
        c.RequestGroup(
            actor=member(by),
            group=slug,
            name=f"Group {slug}",
            group_type="scientific-collaboration",
            managed_by="alumni",
            visibility=visibility,
            objectives=OBJECTIVES,
            membership_criteria=(CRITERION,) if visibility == "private" else (),
            proposed_managers=managers,
        )
    )


def active_group(
    app: LedgerApplication,
    slug: str,
    *,
    visibility: str = "private",
    managers: tuple[str, ...] = ("m-1", "m-2"),
) -> None:
    """A group requested and approved by the OAR."""
    request_group(app, slug, visibility=visibility, managers=managers)
    app.execute(c.ApproveGroup(actor=OAR, group=slug, reason="objectives are clear"))


def approved_gathering(
    app: LedgerApplication, slug: str, gathering: str, starts_at: datetime, by: str = "m-1"
) -> None:
    app.execute(
        c.ProposeGathering(
            actor=manager(by),
            group=slug,
            gathering=gathering,
            title="Spring colloquium",
            starts_at=starts_at,
            purpose="scientific",
            connection="talks by former members of the collaboration",
            fee_per_participant="10.00",
            cost_per_participant="12.50",
        )
    )
    app.execute(
        c.ApproveGathering(actor=OAR, group=slug, gathering=gathering, reason="relevant and at cost")
    )


def position(ledger: Ledger) -> int:
    """The store's last global position (0 when empty)."""
    return ledger.app.recorder.max_notification_id() or 0


def version_of(ledger: Ledger, slug: str) -> int:
    return ledger.app.group(slug).version


def events_named(events: list[LedgerEvent], name: str, **fields: Any) -> list[LedgerEvent]:
    return [
        event
        for event in events
        if type(event).__name__ == name and all(getattr(event, k) == v for k, v in fields.items())
    ]

