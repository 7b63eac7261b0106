"""As-of reconstruction, on SQLite and PostgreSQL: the state of a group captured at
several moments while a scenario runs (simulated clock) is rebuilt afterwards by
``group_as_of`` and printed by `show --as-of`; `history --from --to` lists the events
between two moments. The CLI is the real console script on the same database."""

from __future__ import annotations

import copy
import json
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from test_projector_support import OAR, cli_env, manager, member, oar_ledger

from domain import commands as c
from domain.errors import NotFound
from entrypoints.render import to_jsonable
from service.history import group_state, history_row

pytestmark = pytest.mark.integration

G = "asof-cms"
CRITERION = "was a member of the CMS collaboration"
M1, M2 = manager("m-1"), manager("m-2")


def scenario(app, clock) -> list[tuple[str, datetime, dict]]:
    """Run the scenario; after each step, capture (label, moment, state of the group then)."""
    captured: list[tuple[str, datetime, dict]] = []

    def at(when: str, label: str, *steps) -> None:
        clock.set(datetime.fromisoformat(when))
        for handler, command in steps:
            handler(command)
            clock.advance(minutes=5)
        captured.append((label, clock(), copy.deepcopy(group_state(app.group(G), clock()))))

    at("2025-01-06T09:00+00:00", "requested",
       (app.execute, c.RequestGroup(actor=member("m-1"), group=G, name="CMS alumni", group_type="scientific-collaboration",
                                          managed_by="alumni", visibility="private", objectives="Connect alumni of CMS",
                                          membership_criteria=(CRITERION,), proposed_managers=("m-1",))),
       (app.execute, c.AppointManager(actor=M1, group=G, manager="m-2")))  # fmt: skip
    at("2025-01-07T09:00+00:00", "approved", (app.execute, c.ApproveGroup(actor=OAR, group=G, reason="two managers")))
    at("2025-01-08T09:00+00:00", "requests",
       *[(app.execute, c.RequestMembership(actor=member(p), group=G)) for p in ("a-1", "a-2", "a-3")])
    at("2025-01-10T09:00+00:00", "decided",
       *[(app.execute, c.ApproveMembership(actor=M2, group=G, member=p, criterion=CRITERION,
                                                      reason="in the CMS records")) for p in ("a-1", "a-2")],
       (app.execute, c.RejectMembership(actor=M1, group=G, member="a-3", criterion=CRITERION,
                                                  reason="not in the CMS records")))  # fmt: skip
    talk = dict(group=G, gathering="spring-talk")
    at("2025-01-15T09:00+00:00", "proposed",
       (app.execute, c.ProposeGathering(actor=M1, **talk, title="Spring talk", starts_at="2025-03-20T18:00+01:00",
                                                  purpose="scientific", connection="CMS results for CMS alumni")),
       (app.execute, c.ApproveGathering(actor=OAR, **talk, reason="relevant")))  # fmt: skip
    at("2025-01-20T09:00+00:00", "listed", (app.execute, c.ListGathering(actor=M1, **talk, listed_on="2025-01-20")))
    at("2025-02-01T09:00+00:00", "prepared",
       (app.execute, c.ProposeSpeaker(actor=M1, **talk, speaker="s-1")),
       (app.execute, c.ApproveSpeaker(actor=OAR, **talk, speaker="s-1", reason="a known speaker")),
       *[(app.execute, c.RegisterParticipant(actor=M1, **talk, member=p)) for p in ("a-1", "a-2")],
       (app.execute, c.RequestSponsorship(actor=M1, **talk, sponsorship="acme", sponsor="ACME Optics",
                                                      sector="other", bidding_for_cern_contracts=False,
                                                      offers_cern_name_or_logo=False, reason="the coffee break")))  # fmt: skip
    at("2025-02-20T12:00+00:00", "quiet")  # nothing happens: the same state, judged on a later day
    at("2025-03-21T09:00+00:00", "held",
       (app.execute, c.RecordAttendance(actor=M2, **talk, marks={"a-1": "attended", "a-2": "did-not-attend"},
                                                  unregistered_attendees=("x-5",))))  # fmt: skip
    at("2025-04-01T09:00+00:00", "left",
       (app.execute, c.LeaveGroup(actor=member("a-2"), group=G)),
       (app.execute, c.ReportSocialMediaSpace(actor=OAR, group=G, platform="LinkedIn",
                                                          reason="a LinkedIn group uses the name")))  # fmt: skip
    at("2025-05-01T09:00+00:00", "terminated",
       (app.execute, c.RequestTermination(actor=M1, group=G, reason="merging with another group")),
       (app.execute, c.TerminateGroup(actor=OAR, group=G, initiative="managers-request", reason="merge agreed")))
    return captured


def test_states_captured_while_running_are_rebuilt_as_of_each_moment(ledger, clock, tmp_path):
    app = ledger.app
    captured = scenario(app, clock)
    states = {label: state for label, _, state in captured}
    # the scenario really moves the group through distinct states
    assert [states[k]["status"].value for k in ("requested", "approved", "held", "terminated")] == [
        "requested", "active", "active", "terminated"]
    assert states["decided"]["members"] == ["a-1", "a-2"] and states["left"]["members"] == ["a-1"]
    assert states["quiet"] == {**states["prepared"], "compliance_flags": states["quiet"]["compliance_flags"]}
    assert states["held"]["events"][0]["unregistered_attendees"] == ["x-5"]
    assert any(f.rule == "participants-signed-up" for f in states["held"]["compliance_flags"])

    for label, moment, state in captured:
        assert group_state(app.group_as_of(G, moment), moment) == state, label
    # an hour before the next step's events (a step takes at most 30 minutes), nothing has changed yet
    for (label, _, state), (_, later, _) in zip(captured, captured[1:]):
        just_before_next = later - timedelta(hours=1)
        rebuilt = group_state(app.group_as_of(G, just_before_next), just_before_next)
        assert {k: v for k, v in rebuilt.items() if k != "compliance_flags"} == {
            k: v for k, v in state.items() if k != "compliance_flags"}, label
    with pytest.raises(NotFound):
        app.group_as_of(G, captured[0][1] - timedelta(days=1))

    # the console script, on the same database
    settings = ledger.settings
    if settings.uses_postgres:
        settings = settings.model_copy(update={"var_dir": tmp_path / "var"})
    env = cli_env(settings)

    def cli(*args: str):
        done = subprocess.run([oar_ledger(), *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL)  # fmt: skip
        assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return json.loads(done.stdout)

    def plain(value):
        return json.loads(json.dumps(to_jsonable(value)))

    for label, moment, state in captured:
        if label in ("quiet", "held", "terminated"):
            # the same instant in another offset names the same state
            shown = cli("show", G, "--as-of", moment.astimezone(timezone(timedelta(hours=2))).isoformat(), "--json")
            assert shown == plain(state), label

    events = app.group_events(G)
    start, end = captured[2][1], captured[5][1]  # after the requests .. after the listing
    expected = [history_row(e) for e in events if start <= e.timestamp <= end]
    assert [r["action"] for r in expected] == [
        "MembershipApproved", "MembershipApproved", "MembershipRejected", "GatheringProposed", "GatheringApproved",
        "GatheringListed"]  # fmt: skip
    assert cli("history", G, "--from", start.isoformat(), "--to", end.isoformat(), "--json") == plain(expected)
    first_day = events[0].timestamp
    assert cli("history", G, "--to", first_day.isoformat(), "--json") == plain(
        [history_row(e) for e in events if e.timestamp <= first_day])
