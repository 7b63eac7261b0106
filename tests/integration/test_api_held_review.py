"""Issue 16's commands through real HTTP (SQLite and PostgreSQL): a §9 rejection the screen
holds, the OAR's queue of held rejections (`/held-rejections`, from the read models), its
upholding and overturning (OAR only; an officer who manages the group is refused), the
LSE plan and alumni-data reports, and §19 deactivation grounds. Every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_api_support import ApiServer, Caller, group_body, api, http, oidc  # noqa: F401
from test_projector_support import stored

from projections.writer import apply_events

pytestmark = pytest.mark.integration

G = "/groups/cms"
CRITERION = "was a member of the CMS collaboration"
HELD = {"criterion": CRITERION, "reason": "the applicant is Italian"}


def _callers(http, oidc) -> dict[str, Caller]:
    tokens = {"oar": oidc.token("oar-1", ("oar-officers",)), "auditor": oidc.token("aud-1", ("oar-auditors",)),
              "manager": oidc.token("m-1"), "oar-who-manages": oidc.token("m-2", ("oar-officers",)),
              "applicant": oidc.token("a-8"), "member": oidc.token("p-5")}  # fmt: skip
    return {name: Caller(http, token) for name, token in tokens.items()}


def _project(api: ApiServer) -> None:
    """The ledger's events into the API's read models (no broker needed here; an event
    applied before is skipped)."""
    with api.app.state.context.projections.begin() as connection:
        apply_events(connection, [(event, position) for position, event in stored(api.ledger)])


def _kinds(api: ApiServer, slug: str = "cms") -> list[str]:
    return [type(e).__name__ for e in api.ledger.app.group_events(slug)]


def test_a_held_rejection_waits_in_the_oar_queue_until_upheld_or_overturned(api: ApiServer, http, oidc) -> None:
    callers = _callers(http, oidc)
    assert callers["manager"].post("/groups", group_body("cms", "private", ("m-1", "m-2"))).status_code == 201
    assert callers["oar"].post(G + "/approval", {"reason": "clear objectives"}).status_code == 200
    assert callers["applicant"].post(G + "/membership-requests").status_code == 200
    held = callers["manager"].post(G + "/membership-requests/a-8/rejection", HELD)
    assert held.status_code == 200, held.text
    assert held.json()["events"] == ["MembershipRejectionHeld.v2"]
    refused = callers["manager"].post(G + "/membership-requests/a-8/rejection",
                                      HELD | {"reason": "we only take Swiss people"})  # fmt: skip
    assert refused.status_code in (403, 422) and "§9" in refused.json()["clause"], refused.text

    _project(api)
    for name in ("oar", "auditor"):
        (item,) = callers[name].get("/held-rejections").json()["items"]
        assert (item["group"], item["member"], item["held_by"], item["grounds"]) == ("cms", "a-8", "m-1", ["nationality"])
        assert item["reason"] == "the applicant is Italian" and item["criterion"] == CRITERION
    assert callers["manager"].get("/held-rejections").status_code == 403

    before = api.events_stored()
    for name in ("auditor", "manager", "applicant", "oar-who-manages"):
        response = callers[name].post(G + "/held-rejections/a-8/overturning", {"reason": "my call"})
        assert response.status_code == 403 and response.json()["rule"], (name, response.text)
    assert callers["oar-who-manages"].post(G + "/held-rejections/a-8/upholding", {"reason": "mine"}).json()["rule"] == (
        "no-oar-decision-on-own-group")
    assert api.events_stored() == before

    assert callers["oar"].post(G + "/held-rejections/a-8/overturning",
                               {"reason": "nationality is no ground (§9)"}).status_code == 200  # fmt: skip
    assert callers["manager"].post(G + "/membership-requests/a-8/rejection", HELD).status_code == 200  # held again
    assert callers["oar"].post(G + "/held-rejections/a-8/upholding", {"reason": "no CMS work shown"}).status_code == 200
    assert callers["oar"].post(G + "/held-rejections/a-8/upholding", {"reason": "again"}).status_code in (403, 422)
    assert _kinds(api)[-4:] == ["MembershipRejectionHeld", "MembershipRejectionOverturned", "MembershipRejectionHeld",
                                "MembershipRejectionUpheld"]  # fmt: skip
    for event in api.ledger.app.group_events("cms")[-4:]:
        assert (event.policy_pack, event.policy_version, event.actor_auth_method.value) == ("cern", "1", "oidc")
    _project(api)
    assert callers["oar"].get("/held-rejections").json()["items"] == []


def test_lse_plan_and_alumni_data_and_deactivation_grounds(api: ApiServer, http, oidc, clock) -> None:
    callers = _callers(http, oidc)
    lse = group_body("lse-nyc", "public", ("m-1", "m-2")) | {"policy_pack": "lse"}
    assert callers["manager"].post("/groups", lse).status_code == 201
    assert callers["oar"].post("/groups/lse-nyc/approval", {"reason": "welcome"}).status_code == 200
    year = clock().year
    plan = {"year": year, "summary": "four talks and a dinner"}
    assert callers["member"].post("/groups/lse-nyc/activity-plans", plan).status_code == 403
    assert callers["auditor"].post("/groups/lse-nyc/activity-plans", plan).status_code == 403
    too_late = callers["manager"].post("/groups/lse-nyc/activity-plans", plan | {"year": year - 1})
    assert too_late.status_code == 422 and too_late.json()["clause"] == "LSE-AG 'Alumni groups' ¶1", too_late.text
    assert callers["manager"].post("/groups/lse-nyc/activity-plans", plan).json()["events"] == ["ActivityPlanShared.v2"]
    report = {"kind": "mailing-list", "description": "a list run by the committee", "reason": "seen on the website"}
    assert callers["auditor"].post("/groups/lse-nyc/alumni-data-reports", report).status_code == 403
    bad = callers["member"].post("/groups/lse-nyc/alumni-data-reports", report | {"kind": "spreadsheet"})
    assert bad.status_code == 422 and "kind" in bad.text
    assert callers["member"].post("/groups/lse-nyc/alumni-data-reports", report).status_code == 200
    assert _kinds(api, "lse-nyc")[-2:] == ["ActivityPlanShared", "AlumniDataReported"]

    assert callers["manager"].post("/groups", group_body("cms", "public")).status_code == 201
    assert callers["oar"].post(G + "/approval", {"reason": "clear objectives"}).status_code == 200
    soon = callers["oar"].post(G + "/deactivation", {"discussed_with_managers": True, "reason": "quiet"})
    assert soon.status_code == 422 and soon.json()["rule"] == "deactivation-grounds", soon.text
    no_clause = callers["oar"].post(G + "/deactivation", {"discussed_with_managers": True, "ground": "other",
                                                         "reason": "misuse"})  # fmt: skip
    assert no_clause.status_code == 422 and "other_clause" in no_clause.text
    other = {"discussed_with_managers": True, "ground": "other", "other_clause": "§12", "reason": "misuse of the name"}
    assert callers["oar"].post(G + "/deactivation", other).status_code == 200
    assert api.ledger.app.group_events("cms")[-1].clause == "CERN-AG §19, other ground §12"
    assert callers["oar"].post(G + "/reactivation", {"reason": "resolved"}).status_code == 200
    clock.set(clock() + timedelta(days=400))
    idle = callers["oar"].post(G + "/deactivation", {"discussed_with_managers": True, "reason": "inactive"})
    assert idle.status_code == 200, idle.text
    assert api.ledger.app.group_events("cms")[-1].inactive_days == 400
