"""Every role against every command, through real HTTP on SQLite and PostgreSQL.

One group lifecycle walks through 29 of the 31 commands (the LSE plan and alumni-data
reports are in ``test_api_held_review``), the §9 review of a held rejection included. Before each step is taken by who may
take it, every caller who may not tries it first: each gets 403 naming the rule and its
clause, and nothing is written. m-2 manages the group *and* holds the OAR claim: the
conflict-of-interest rule stops them taking the OAR's decisions on it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_api_support import ApiServer, Caller, group_body, api, http, oidc  # noqa: F401

pytestmark = pytest.mark.integration

G = "/groups/cms"
E = G + "/events/talk"
S = E + "/sponsorships/acme"
OAR_ONLY = ("auditor", "manager", "outsider", "oar-who-manages")
MANAGERS_ONLY = ("auditor", "outsider", "oar")
HELD = {"criterion": "was a member of the CMS collaboration", "reason": "the applicant is Italian"}


def _callers(http, oidc) -> dict[str, Caller]:
    tokens = {"oar": oidc.token("oar-1", ("oar-officers",)), "auditor": oidc.token("aud-1", ("oar-auditors",)),
              "manager": oidc.token("m-1"), "oar-who-manages": oidc.token("m-2", ("oar-officers",)),
              "outsider": oidc.token("x-9"), "member": oidc.token("p-5"), "applicant": oidc.token("a-8")}  # fmt: skip
    return {name: Caller(http, token) for name, token in tokens.items()}


def _steps(starts_at: str) -> list[tuple[str, str, dict, str, tuple[str, ...]]]:
    """(method, path, body, who may, who may not) in lifecycle order."""
    return [
        ("POST", "/groups", group_body("cms", "private", ("m-1", "m-2")), "manager", ("auditor",)),
        ("POST", G + "/approval", {"reason": "clear objectives"}, "oar", OAR_ONLY),
        ("POST", G + "/managers", {"manager": "m-3"}, "manager", MANAGERS_ONLY[:2]),
        ("POST", G + "/managers/m-3/removal", {"reason": "stepped down"}, "oar", MANAGERS_ONLY[:2]),
        ("POST", G + "/membership-requests", {}, "member", ("auditor",)),
        ("POST", G + "/membership-requests/p-5/approval",
         {"criterion": "was a member of the CMS collaboration", "reason": "meets the criterion"}, "manager", MANAGERS_ONLY),
        ("POST", G + "/membership-requests", {}, "outsider", ("auditor",)),
        ("POST", G + "/membership-requests/x-9/rejection",
         {"criterion": "was a member of the CMS collaboration", "reason": "not in the collaboration"}, "manager", MANAGERS_ONLY),
        ("POST", G + "/membership-requests", {}, "applicant", ("auditor",)),
        ("POST", G + "/membership-requests/a-8/rejection", HELD, "manager", MANAGERS_ONLY),  # held for the OAR (§9)
        ("POST", G + "/held-rejections/a-8/overturning", {"reason": "nationality is no ground"}, "oar", OAR_ONLY),
        ("POST", G + "/membership-requests/a-8/rejection", HELD, "manager", MANAGERS_ONLY),  # held again
        ("POST", G + "/held-rejections/a-8/upholding", {"reason": "no CMS work shown"}, "oar", OAR_ONLY),
        ("POST", G + "/events", {"gathering": "talk", "title": "Spring colloquium", "starts_at": starts_at,
                                 "purpose": "scientific", "connection": "talks by former members"}, "manager", MANAGERS_ONLY),
        ("POST", E + "/approval", {"reason": "relevant to the group"}, "oar", OAR_ONLY),
        ("POST", E + "/listing", {"listed_on": "2025-01-06"}, "manager", MANAGERS_ONLY),
        ("POST", E + "/speakers", {"speaker": "s-1"}, "manager", MANAGERS_ONLY),
        ("POST", E + "/speakers/s-1/approval", {"reason": "a former spokesperson"}, "oar", OAR_ONLY),
        ("POST", E + "/speakers", {"speaker": "s-2"}, "manager", MANAGERS_ONLY),
        ("POST", E + "/speakers/s-2/rejection", {"reason": "no connection shown"}, "oar", OAR_ONLY),
        ("POST", E + "/participants", {"member": "p-5"}, "manager", MANAGERS_ONLY),
        ("POST", E + "/sponsorships", {"sponsorship": "acme", "sponsor": "ACME Instruments", "sector": "other",
                                       "bidding_for_cern_contracts": False, "offers_cern_name_or_logo": False,
                                       "reason": "coffee break"}, "manager", MANAGERS_ONLY),
        ("POST", S + "/approval", {"reason": "screening passed"}, "oar", OAR_ONLY),
        ("POST", G + "/social-media-reports", {"platform": "LinkedIn", "reason": "a group page exists"}, "member", ("auditor",)),
        ("DELETE", G + "/members/me", {}, "member", ("auditor",)),
        ("POST", G + "/deactivation", {"discussed_with_managers": True, "ground": "other", "other_clause": "§12",
                                       "reason": "misuse of CERN's name"}, "oar", OAR_ONLY),
        ("POST", G + "/reactivation", {"reason": "activity resumed"}, "oar", OAR_ONLY),
        ("POST", G + "/termination-request", {"reason": "the managers wish to close"}, "manager", MANAGERS_ONLY),
        ("POST", G + "/termination", {"initiative": "managers-request", "reason": "at the managers' request"}, "oar", OAR_ONLY),
    ]  # fmt: skip


def _send(caller: Caller, method: str, path: str, body: dict):
    return caller.delete(path) if method == "DELETE" else caller.post(path, body)


def test_every_role_against_every_command(api: ApiServer, http, oidc, clock) -> None:
    callers = _callers(http, oidc)
    starts_at = (clock() + timedelta(days=60)).isoformat()
    for method, path, body, allowed, denied in _steps(starts_at):
        for name in denied:
            before = api.events_stored()
            response = _send(callers[name], method, path, body)
            assert response.status_code == 403, (name, path, response.text)
            problem = response.json()
            assert problem["rule"] and problem["clause"], problem
            if name == "oar-who-manages":
                assert problem["rule"] == "no-oar-decision-on-own-group", problem
                assert problem["clause"] == "OAR governance rule (not a guideline clause)"
            assert api.events_stored() == before, (name, path)
        response = _send(callers[allowed], method, path, body)
        assert response.status_code in (200, 201), (allowed, path, response.text)
    kinds = [type(e).__name__ for e in api.ledger.app.group_events("cms")]
    assert len(kinds) == 29 and kinds[-1] == "GroupTerminated"
    assert kinds.count("MembershipRejectionHeld") == 2 and "MembershipRejectionUpheld" in kinds
    refused = [r for _, r in api.ledger.refusals.since(0)]
    assert {r.actor_id for r in refused} >= {"aud-1", "x-9", "m-2", "m-1", "oar-1"}


def test_reject_and_attendance_and_sponsorship_rejection(api: ApiServer, http, oidc, clock) -> None:
    """The commands the lifecycle above does not take: rejections, attendance, joining."""
    callers = _callers(http, oidc)
    assert callers["manager"].post("/groups", group_body("rejected", "public")).status_code == 201
    for name in OAR_ONLY:
        assert callers[name].post("/groups/rejected/rejection", {"reason": "duplicate"}).status_code == 403
    assert callers["oar"].post("/groups/rejected/rejection", {"reason": "duplicate"}).status_code == 200

    assert callers["manager"].post("/groups", group_body("pub", "public")).status_code == 201
    assert callers["oar"].post("/groups/pub/approval", {"reason": "clear"}).status_code == 200
    assert callers["auditor"].post("/groups/pub/members").status_code == 403
    assert callers["member"].post("/groups/pub/members").status_code == 200
    starts = clock() + timedelta(days=30)
    event = {"gathering": "walk", "title": "A walk", "starts_at": starts.isoformat(), "purpose": "community-building",
             "connection": "alumni of the group"}  # fmt: skip
    assert callers["manager"].post("/groups/pub/events", event).status_code == 201
    for name in OAR_ONLY:
        assert callers[name].post("/groups/pub/events/walk/rejection", {"reason": "not relevant"}).status_code == 403
    assert callers["oar"].post("/groups/pub/events/walk/rejection", {"reason": "not relevant"}).status_code == 200

    assert callers["manager"].post("/groups/pub/events", event | {"gathering": "talk"}).status_code == 201
    assert callers["oar"].post("/groups/pub/events/talk/approval", {"reason": "relevant"}).status_code == 200
    assert callers["manager"].post("/groups/pub/events/talk/participants", {"member": "p-5"}).status_code == 200
    sponsorship = {"sponsorship": "acme", "sponsor": "ACME", "sector": "other", "bidding_for_cern_contracts": False,
                   "offers_cern_name_or_logo": False, "reason": "drinks"}  # fmt: skip
    assert callers["manager"].post("/groups/pub/events/talk/sponsorships", sponsorship).status_code == 201
    for name in OAR_ONLY:
        response = callers[name].post("/groups/pub/events/talk/sponsorships/acme/rejection", {"reason": "not acceptable"})
        assert response.status_code == 403
    assert callers["oar"].post("/groups/pub/events/talk/sponsorships/acme/rejection", {"reason": "not acceptable"}).status_code == 200
    clock.set(starts + timedelta(hours=3))
    marks = {"marks": {"p-5": "attended"}}
    for name in MANAGERS_ONLY:
        assert callers[name].post("/groups/pub/events/talk/attendance", marks).status_code == 403
    assert callers["manager"].post("/groups/pub/events/talk/attendance", marks).status_code == 200
