"""A ledger written by the previous release (event schema v1) still loads, replays, projects
and verifies with this release, and takes new v2 events on top of its v1 chains.

The fixture ``tests/data/previous_release/v1-ledger.sqlite`` was written by commit 2b978cc
(see ``make_ledger.py`` there): the demo year, 78 v1 events, their Merkle leaves and one
signed checkpoint. The test works on a copy.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_projector_support import check_audit_trail, check_read_models, create_topics, on_topic, project, stored

from domain import commands as c
from domain.actors import Actor, Authentication
from domain.canonical import record_hash
from bootstrap import build_ledger, build_projection_engine, build_relay
from infra.clock import SimulatedClock
from infra.evidence.signing import read_verifier_key
from service.evidence.verifier import VerifySources, verify_ledger
from service.history import compliance_flags
from infra.settings import Settings
from projections.compliance import compliance_view

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "previous_release"
V1_EVENTS = 78
CMS = "cms-alumni-v1"
OAR_SSO = Actor(id="oar-2", role="oar",
                authenticated_by=Authentication(method="oidc", issuer="https://auth.cern.ch/auth/realms/cern"))


@pytest.fixture
def old_ledger(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    shutil.copyfile(FIXTURE / "v1-ledger.sqlite", var / "ledger.sqlite")
    settings = Settings(var_dir=var, _env_file=None)
    clock = SimulatedClock(datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
    ledger = build_ledger(settings, clock)
    yield ledger
    ledger.close()


def _verify(ledger):
    key = read_verifier_key((FIXTURE / "verifier.vkey").read_text().strip())
    return verify_ledger(ledger, VerifySources(key=key, kafka=False))


def test_every_v1_event_loads_upcast_with_the_hash_of_its_v1_form(old_ledger):
    events = stored(old_ledger)
    assert len(events) == V1_EVENTS
    for position, event in events:
        assert event.recorded_type.endswith(".v1") and event.type_name().endswith(".v2"), position
        assert record_hash(event.hash_record()) == event.event_hash, position
        assert (event.actor_auth_method.value, event.actor_auth_issuer, event.policy_version) == (
            "local-cli", None, None), position  # fmt: skip


def test_the_old_ledger_replays_and_answers_as_of_and_compliance(old_ledger):
    app = old_ledger.app
    slugs = list(app.group_slugs())
    assert len(slugs) == 7 and CMS in slugs
    cms = app.group(CMS)
    assert cms.status.value == "active" and cms.managers == {"m-carla", "m-dev", "m-eli"}
    assert app.group_as_of(CMS, datetime(2025, 1, 6, 9, 3, 30, tzinfo=UTC)).status.value == "requested"
    flags = {f.rule for f in compliance_flags(cms, datetime(2025, 12, 31, tzinfo=UTC))}
    assert "participants-signed-up" in flags  # the winter colloquium's unregistered attendee


def test_the_old_ledger_verifies_and_still_verifies_after_new_v2_events(old_ledger):
    report = _verify(old_ledger)
    assert report.ok, report.lines()
    checks = {check.name: check for check in report.checks}
    assert "signatures checked" in checks["checkpoints"].summary
    assert f"{V1_EVENTS} event(s)" in checks["store"].summary

    receipt = old_ledger.app.execute(c.AppointManager(actor=OAR_SSO, group="openlab-v1", manager="m-1043"))
    assert receipt.events == ("ManagerAppointed.v2",)
    new = old_ledger.app.group_events("openlab-v1")[-1]
    previous = old_ledger.app.group_events("openlab-v1")[-2]
    assert new.previous_hash == previous.event_hash and previous.recorded_type == "SpeakerProposed.v1"
    assert (new.actor_auth_method.value, new.actor_auth_issuer) == ("oidc", "https://auth.cern.ch/auth/realms/cern")
    assert (new.policy_pack, new.policy_version) == ("cern", "1")  # the published text (no amendment installed)
    again = _verify(old_ledger)
    assert again.ok, again.lines()


def test_the_old_ledger_projects_through_the_broker(old_ledger, dev_broker, unique_topic, tmp_path):
    bootstrap = dev_broker.bootstrap_servers
    old_ledger.app.execute(c.AppointManager(actor=OAR_SSO, group="openlab-v1", manager="m-1043"))
    settings = on_topic(old_ledger.settings, unique_topic)
    create_topics(settings, bootstrap)
    ledger = build_ledger(settings, old_ledger.app.clock)
    try:
        assert build_relay(ledger, bootstrap).drain() == V1_EVENTS + 1
        engine = build_projection_engine(settings, f"sqlite:///{tmp_path}/projections.sqlite")
        try:
            assert project(settings, engine, bootstrap) == V1_EVENTS + 1
            assert check_read_models(ledger, engine) == 7
            assert check_audit_trail(ledger, engine) == V1_EVENTS + 1
            with engine.connect() as connection:
                flags = compliance_view(connection, datetime(2025, 12, 31, 23, 59, tzinfo=UTC))
            assert {(f.group, f.rule) for f in flags} >= {(CMS, "participants-signed-up")}
        finally:
            engine.dispose()
    finally:
        ledger.close()
