"""The API's view of ``oar-ledger policy show``, through real HTTP: the packs as they stood
on a date (the version then in force; the ILLUSTRATIVE CERN v2 installed through the
``policy_pack_versions`` setting, the published v1 only without it), bad input naming the
field, authentication required. And the provenance of an API write: the event records the
token's method and issuer."""

from __future__ import annotations

import httpx
import pytest
from support_packs.illustrative_cern_v2 import REF
from test_api_support import AUDIENCE, ApiServer, Caller, group_body, api, http, oidc  # noqa: F401

from domain.policy import cern, lse

pytestmark = pytest.mark.integration


@pytest.fixture
def http_v2(settings, oidc, clock):
    """The API of a ledger whose settings install the illustrative CERN v2."""
    configured = settings.model_copy(update={"oidc_issuer": oidc.issuer, "token_audience": AUDIENCE,
                                             "policy_pack_versions": REF})  # fmt: skip
    server = ApiServer(configured, clock)
    try:
        with httpx.Client(base_url=server.url, timeout=20) as client:
            yield client
    finally:
        server.close()


def _rules(info: dict, command: str) -> list[str]:
    return [r["rule"] for r in next(c for c in info["commands"] if c["command"] == command)["rules"]]


def test_only_the_published_packs_are_served_without_the_setting(http, oidc) -> None:
    reader = Caller(http, oidc.token("m-1"))
    listed = reader.get("/policy/packs", on="2026-12-01").json()
    assert [(p["pack"], p["version"]) for p in listed["items"]] == [("cern", "1"), ("lse", "1")]
    assert "illustrative" not in str(listed).lower()
    assert [p["source"] for p in listed["items"]] == [cern.PACK.source.as_json(), lse.PACK.source.as_json()]
    assert listed["items"][0]["source"]["address"] == "https://alumni.cern"


def test_policy_packs_as_they_stood_on_a_date(http_v2, oidc) -> None:
    reader = Caller(http_v2, oidc.token("m-1"))
    before = reader.get("/policy/packs/cern", on="2025-12-31")
    after = reader.get("/policy/packs/cern", on="2026-02-01")
    assert before.status_code == after.status_code == 200
    assert (before.json()["version"], after.json()["version"]) == ("1", "2")
    assert before.json()["on"] == "2025-12-31" and after.json()["effective_from"] == "2026-01-01"
    assert "free-for-under-18s" in _rules(after.json(), "ProposeGathering")
    assert "free-for-under-18s" not in _rules(before.json(), "ProposeGathering")
    listed = reader.get("/policy/packs", on="2026-02-01").json()
    assert [(p["pack"], p["version"]) for p in listed["items"]] == [("cern", "2"), ("lse", "1")]
    assert listed["on"] == "2026-02-01" and listed["next_cursor"] is None
    first = reader.get("/policy/packs", on="2026-02-01", limit=1).json()
    assert [p["pack"] for p in first["items"]] == ["cern"] and first["next_cursor"]
    # the default date is today in ledger time (the test clock is in 2025: CERN v1)
    assert reader.get("/policy/packs/cern").json()["version"] == "1"


def test_policy_refuses_bad_input_naming_the_field_and_needs_a_token(http, oidc) -> None:
    reader = Caller(http, oidc.token("m-1"))
    unknown = reader.get("/policy/packs/mit")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "pack"
    bad_day = reader.get("/policy/packs", on="2025-02-30")
    assert bad_day.status_code == 422 and bad_day.json()["errors"][0]["field"] == "on"
    anonymous = http.get("/policy/packs")
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"


def test_an_api_write_records_the_token_method_and_issuer(api: ApiServer, http, oidc) -> None:
    member, oar = Caller(http, oidc.token("m-1")), Caller(http, oidc.token("oar-1", ("oar-officers",)))
    assert member.post("/groups", group_body("cms")).status_code == 201
    assert oar.post("/groups/cms/approval", {"reason": "clear objectives"}).status_code == 200
    rows = oar.get("/groups/cms/history").json()["items"]
    assert [(r["actor"], r["authenticated_by"], r["issuer"]) for r in rows] == [
        ("m-1", "oidc", oidc.issuer), ("oar-1", "oidc", oidc.issuer)]  # fmt: skip
    assert {r["policy"] for r in rows} == {"cern v1"}
    events = api.ledger.app.group_events("cms")
    assert {(e.actor_auth_method, e.actor_auth_issuer) for e in events} == {("oidc", oidc.issuer)}
