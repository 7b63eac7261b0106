"""A ledger with decisions under two versions of the CERN pack (v1 until 2025-12-31, the
ILLUSTRATIVE v2 from 2026-01-01, installed as a real amendment would be: through the
``policy_pack_versions`` setting, in process and in the console script's environment), on
SQLite and PostgreSQL: each decision is checked against and records the version in force on
its date, and `oar-ledger compliance --on DATE` (the real console script, from the
projections) judges each date with the version then in force. Without the setting, the same
console script judges every date with the published v1."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime

import pytest
from test_projector_support import OAR, cli_env, create_topics, manager, member, oar_ledger, on_topic, open_ledger, project

from domain import commands as c
from bootstrap import build_projection_engine, build_relay
from entrypoints.demo.script import DemoRun
from service.history import group_state
from support_packs.illustrative_cern_v2 import REF, installing_env

pytestmark = pytest.mark.integration

G = "two-versions"
M1 = manager("m-1")
CRITERION = "worked at CERN"


def _event(slug: str, fee: str, under_18: bool = True) -> c.ProposeGathering:
    return c.ProposeGathering(actor=M1, group=G, gathering=slug, title=slug.title(), starts_at="2026-03-01T10:00+00:00",
                              purpose="scientific", connection="a physics day for alumni families",
                              fee_per_participant=fee, cost_per_participant="20", under_18_audience=under_18)  # fmt: skip


def scenario(run: DemoRun) -> None:
    run.at("2025-11-01T09:00+00:00", c.RequestGroup(
        actor=member("m-1"), group=G, name="Two versions", group_type="regional", managed_by="alumni",
        visibility="private", objectives="Alumni families meeting at CERN", membership_criteria=(CRITERION,),
        proposed_managers=("m-1", "m-2")))  # fmt: skip
    run.at("2025-11-02T09:00+00:00", c.ApproveGroup(actor=OAR, group=G, reason="objectives clear"))
    run.at("2025-12-10T09:00+00:00", _event("family-day-2025", "10"))  # v1: a fee is fine
    run.at("2025-12-20T09:00+00:00", c.RequestMembership(actor=member("a-50"), group=G))
    run.at("2026-01-02T09:00+00:00", c.RequestMembership(actor=member("a-51"), group=G))
    run.at("2026-01-05T09:00+00:00", _event("family-day-2026", "10"))  # v2: refused
    run.at("2026-01-05T10:00+00:00", _event("family-day-2026", "0"))  # v2: free, accepted
    run.play()


def test_decisions_and_compliance_follow_the_version_in_force(settings, clock, dev_broker, unique_topic, tmp_path):
    bootstrap = dev_broker.bootstrap_servers
    s = on_topic(settings, unique_topic).model_copy(update={"policy_pack_versions": REF})
    if s.uses_postgres:
        s = s.model_copy(update={"var_dir": tmp_path / "var"})
    create_topics(s, bootstrap)
    with open_ledger(s, clock) as ledger:
        run = DemoRun(app=ledger.app, clock=clock, suffix="")
        scenario(run)
        (refused,) = run.refusals
        assert (str(refused.at.date()), refused.clause) == ("2026-01-05", "CERN-AG §24 (v2, illustrative)")
        events = ledger.app.group_events(G)
        versions = {(type(e).__name__, getattr(e, "gathering", None)): e.policy_version for e in events}
        assert versions[("GatheringProposed", "family-day-2025")] == "1"
        assert versions[("GatheringProposed", "family-day-2026")] == "2"
        assert [e.policy_version for e in events if type(e).__name__ == "MembershipRequested"] == ["1", "2"]
        assert {e.policy_pack for e in events} == {"cern"}
        # as-of answers judge the state then with the version then in force
        for moment, version, waiting in (("2025-12-31T23:00+00:00", "1", []),
                                         ("2026-01-12T09:00+00:00", "2", ["a-50", "a-51"])):  # fmt: skip
            when = datetime.fromisoformat(moment)
            view = group_state(ledger.app.group_as_of(G, when), when)
            assert view["policy_version"] == version
            flagged = [f.detail.split()[2] for f in view["compliance_flags"] if f.rule == "requests-answered-in-time"]
            assert flagged == waiting, moment
        total = build_relay(ledger, bootstrap).drain()
    engine = build_projection_engine(s)
    try:
        assert project(s, engine, bootstrap) == total
    finally:
        engine.dispose()

    def waiting(on: str, env: dict[str, str] = installing_env()) -> list[tuple[str, str]]:
        done = subprocess.run([oar_ledger(), "compliance", "--on", on, "--json"], env=cli_env(s, **env), cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        flags = json.loads(done.stdout)["flags"]  # as of that date, from the event store
        return [(f["clause"], f["detail"]) for f in flags if f["rule"] == "requests-answered-in-time"]

    assert waiting("2025-12-31") == []  # a-50 waits 11 days: v1 allows 14
    assert waiting("2026-01-03") == [("CERN-AG §18 (v2, illustrative)", "request of a-50 waiting 14 days")]
    assert waiting("2026-01-12") == [("CERN-AG §18 (v2, illustrative)", "request of a-50 waiting 23 days"),
                                     ("CERN-AG §18 (v2, illustrative)", "request of a-51 waiting 10 days")]  # fmt: skip
    # the published text only (no setting): v1's 14 days on every date
    assert waiting("2026-01-03", env={}) == []  # a-50 waits 14 days: not over 14
    assert waiting("2026-01-12", env={}) == [("CERN-AG §18", "request of a-50 waiting 23 days")]
