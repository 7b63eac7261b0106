"""The web pages' test world (no tests here): a ledger seeded through the service layer
on a simulated clock, projected into the read models, checkpointed and signed; the app
of ``oar-ledger serve`` on uvicorn on a free loopback port; the system Chromium.

Groups: ``tricky`` (a name and objectives that must be escaped; private; a pending
membership request of m-3; an approved event with a pending sponsorship; managers m-1
and m-2 until February, then m-1 and m-4), ``newcomers`` (requested, waiting for the
OAR), ``other`` (private, managed by m-7 and m-8, a pending request of m-9 and an event
waiting for the OAR).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from datetime import UTC, datetime

import uvicorn

from bootstrap import Ledger, build_ledger, build_projection_engine, checkpoint_now
from domain import commands as c
from domain.actors import Actor
from domain.values import Role
from entrypoints.web.app import create_app
from infra.clock import SimulatedClock
from infra.evidence.signing import ensure_signing_key
from infra.settings import Settings
from projections.writer import apply_events

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
TODAY = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
TRICKY_NAME = "<script>alert(1)</script>"
TRICKY_OBJECTIVES = "x [/bold] y"
CRITERION = "worked at CERN"
OAR = Actor(id="oar-1", role=Role.OAR_OFFICER)


def manager(person: str) -> Actor:
    return Actor(id=person, role=Role.GROUP_MANAGER)


def member(person: str) -> Actor:
    return Actor(id=person, role=Role.MEMBER)


def _request(app, slug: str, name: str, managers: tuple[str, ...], objectives: str = "Alumni of the LHC") -> None:
    app.execute(c.RequestGroup(actor=member(managers[0]), group=slug, name=name, group_type="regional",
                               managed_by="alumni", visibility="private", objectives=objectives,
                               membership_criteria=(CRITERION,), proposed_managers=managers))  # fmt: skip


def seed(ledger: Ledger, clock: SimulatedClock) -> None:
    app = ledger.app
    _request(app, "tricky", TRICKY_NAME, ("m-1", "m-2"), TRICKY_OBJECTIVES)
    clock.advance(days=1)
    app.execute(c.ApproveGroup(actor=OAR, group="tricky", reason="clear <b>objectives</b>"))
    clock.advance(days=3)
    app.execute(c.RequestMembership(actor=member("m-3"), group="tricky"))
    app.execute(c.ProposeGathering(actor=manager("m-1"), group="tricky", gathering="talk", title="Spring talk",
                                   starts_at=datetime(2025, 5, 20, 18, 0, tzinfo=UTC), purpose="scientific",
                                   connection="a talk by a former member"))  # fmt: skip
    app.execute(c.ApproveGathering(actor=OAR, group="tricky", gathering="talk", reason="relevant"))
    clock.advance(days=2)
    app.execute(c.RequestSponsorship(actor=manager("m-1"), group="tricky", gathering="talk", sponsorship="acme",
                                     sponsor="Acme Optics", sector="other", bidding_for_cern_contracts=False,
                                     offers_cern_name_or_logo=False, reason="pays the room"))  # fmt: skip
    clock.set(datetime(2025, 2, 3, 9, 0, tzinfo=UTC))
    app.execute(c.AppointManager(actor=manager("m-1"), group="tricky", manager="m-4", reason="more hands"))
    app.execute(c.RemoveManager(actor=manager("m-1"), group="tricky", manager="m-2", reason="stepped down"))
    _request(app, "other", "Other alumni", ("m-7", "m-8"))
    app.execute(c.ApproveGroup(actor=OAR, group="other", reason="fine"))
    app.execute(c.RequestMembership(actor=member("m-9"), group="other"))
    app.execute(c.ProposeGathering(actor=manager("m-7"), group="other", gathering="picnic", title="Picnic",
                                   starts_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC), purpose="community-building",
                                   connection="the group's yearly meeting"))  # fmt: skip
    clock.set(datetime(2025, 2, 20, 9, 0, tzinfo=UTC))
    _request(app, "newcomers", "Newcomers of Geneva", ("m-5", "m-6"))
    clock.set(TODAY)


def project_all(ledger: Ledger, settings: Settings) -> None:
    """Fold every stored event into the read models (what relay + projector do)."""
    engine = build_projection_engine(settings)
    start, found = 1, []
    while batch := ledger.app.recorder.select_notifications(start, 1000):
        found += [(ledger.app.mapper.to_domain_event(n), n.id) for n in batch]
        start = batch[-1].id + 1
    with engine.begin() as connection:
        apply_events(connection, found)
    engine.dispose()


def build_world(settings: Settings) -> tuple[Ledger, SimulatedClock]:
    clock = SimulatedClock(START)
    ledger = build_ledger(settings, clock)
    seed(ledger, clock)
    project_all(ledger, settings)
    ensure_signing_key(settings)
    checkpoint_now(ledger)
    return ledger, clock


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebServer:
    """The app ``oar-ledger serve`` runs, on uvicorn in a thread, on a real loopback port."""

    def __init__(self, settings: Settings, ledger: Ledger) -> None:
        self.app = create_app(settings, ledger=ledger)
        self.port = free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError("the system Chromium is missing: apt-get install -y chromium (.ci/run does)")
    return path
