"""HTTP conventions through real HTTP: idempotent retries, If-Match, concurrent writers,
problem details, body limit, private member lists, pagination, health, the local issuer."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx
import pytest
from test_api_support import ApiServer, Caller, group_body, api, http, oidc  # noqa: F401

from bootstrap import build_local_issuer

pytestmark = pytest.mark.integration


@pytest.fixture
def people(http, oidc) -> dict[str, Caller]:
    tokens = {"oar": oidc.token("oar-1", ("oar-officers",)), "m1": oidc.token("m-1"), "m2": oidc.token("m-2"),
              "p5": oidc.token("p-5"), "x9": oidc.token("x-9"), "auditor": oidc.token("aud-1", ("oar-auditors",))}  # fmt: skip
    return {name: Caller(http, token) for name, token in tokens.items()}


def _active(people, slug: str, visibility: str = "private") -> None:
    assert people["m1"].post("/groups", group_body(slug, visibility)).status_code == 201
    assert people["oar"].post(f"/groups/{slug}/approval", {"reason": "clear objectives"}).status_code == 200


def test_a_retried_request_returns_the_first_response_and_records_once(api: ApiServer, people) -> None:
    _active(people, "cms")
    before = api.events_stored()
    first = people["m1"].post("/groups/cms/managers", {"manager": "m-3"}, **{"Idempotency-Key": "k-1"})
    again = people["m1"].post("/groups/cms/managers", {"manager": "m-3"}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert api.events_stored() == before + 1
    reused = people["m1"].post("/groups/cms/managers", {"manager": "m-4"}, **{"Idempotency-Key": "k-1"})
    assert reused.status_code == 422 and reused.json()["field"] == "Idempotency-Key"
    refused = people["m1"].post("/groups/cms/managers", {"manager": "m-4"}, **{"Idempotency-Key": "k-2"})
    assert refused.status_code == 422 and refused.json()["rule"] == "at-most-three-managers"
    retried = people["m1"].post("/groups/cms/managers", {"manager": "m-4"}, **{"Idempotency-Key": "k-2"})
    assert retried.json() == refused.json() and api.events_stored() == before + 1


def test_etag_and_stale_if_match(api: ApiServer, people) -> None:
    _active(people, "cms")
    shown = people["m1"].get("/groups/cms")
    assert shown.headers["etag"] == '"2"'
    ok = people["m1"].post("/groups/cms/managers", {"manager": "m-3"}, **{"If-Match": shown.headers["etag"]})
    assert ok.status_code == 200 and ok.headers["etag"] == '"3"'
    stale = people["m1"].post("/groups/cms/managers/m-3/removal", {"reason": "stepped down"},
                              **{"If-Match": shown.headers["etag"]})  # fmt: skip
    assert stale.status_code == 412 and stale.json()["current_version"] == 3
    assert api.events_stored() == 3
    assert people["m1"].post("/groups/cms/managers/m-3/removal", {"reason": "x" * 5},
                             **{"If-Match": "garbage"}).status_code == 400  # fmt: skip


def test_two_concurrent_writers_on_one_group(api: ApiServer, people, oidc) -> None:
    """Same version decided on by two writers: one is recorded, the other gets 412.
    Without If-Match both are recorded, one after the other, nothing lost."""
    _active(people, "pub", "public")
    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def write(person: str, if_match: str | None) -> None:
        with httpx.Client(base_url=api.url, timeout=20) as client:
            headers = {"If-Match": if_match} if if_match else {}
            barrier.wait()
            results[person] = Caller(client, oidc.token(person)).post("/groups/pub/members", **headers).status_code

    for if_match in ('"2"', None):
        threads = [threading.Thread(target=write, args=(p, if_match)) for p in (
            ("p-1", "p-2") if if_match else ("p-3", "p-4"))]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sorted([results["p-1"], results["p-2"]]) == [200, 412]
    assert results["p-3"] == results["p-4"] == 200
    members = people["oar"].get("/groups/pub").json()["members"]
    assert len(members) == 3 and {"p-3", "p-4"} <= set(members)
    assert [e.originator_version for e in api.ledger.app.group_events("pub")] == [1, 2, 3, 4, 5]


def test_problems_name_the_field_and_nothing_is_written(api: ApiServer, people, http) -> None:
    bad = people["m1"].post("/groups", group_body("cms") | {"objectives": ""})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in bad.json()["errors"]] == ["objectives"]
    slug = people["m1"].post("/groups", group_body("Bad Slug!"))
    assert slug.status_code == 422 and slug.json()["errors"][0]["field"] == "group"
    huge = people["m1"].post("/groups", group_body("cms") | {"objectives": "x" * 70_000})
    assert huge.status_code == 413
    assert people["m1"].get("/groups/nope").status_code == 404
    assert api.events_stored() == 0
    assert "traceback" not in (bad.text + huge.text).lower()


def test_private_member_lists_and_oversight_reads(api: ApiServer, people) -> None:
    _active(people, "cms")
    assert people["p5"].post("/groups/cms/membership-requests").status_code == 200
    assert people["x9"].get("/groups/cms").json()["pending_requests"] == {}  # not theirs to see
    assert people["oar"].get("/groups/cms").json()["pending_requests"].keys() == {"p-5"}
    assert people["m2"].get("/groups/cms").json()["pending_requests"].keys() == {"p-5"}  # a manager
    seen = people["auditor"].get("/groups/cms").json()
    assert seen["pending_requests"].keys() == {"p-5"}
    assert people["p5"].get("/groups/cms").json()["pending_requests"].keys() == {"p-5"}  # their own
    assert people["p5"].get("/groups/cms/history").status_code == 403
    assert people["auditor"].get("/refusals").status_code == 200
    assert people["m1"].get("/refusals").status_code == 403
    assert people["auditor"].post("/groups/cms/rejection", {"reason": "read only"}).status_code == 403
    denied = [r for _, r in api.ledger.refusals.since(0)]
    assert {(r.actor_id, r.rule) for r in denied} >= {("p-5", "private-history-for-oar-auditors-managers"),
                                                        ("m-1", "oversight-is-oar-or-auditor"),
                                                        ("aud-1", "auditors-are-read-only")}  # fmt: skip


def test_history_pages_by_cursor(api: ApiServer, people) -> None:
    _active(people, "pub", "public")
    for n in range(5):
        people["oar"].post("/groups/pub/social-media-reports", {"platform": f"site-{n}", "reason": "a page exists"})
    seen, cursor = [], None
    while True:
        page = people["auditor"].get("/groups/pub/history", limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [row["version"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(range(1, 8))
    assert people["auditor"].get("/groups/pub/history", cursor="!!").status_code == 400


def test_health_and_the_local_issuer(settings, tmp_path) -> None:
    """The embedded default: the ledger's own issuer, its JWKS served, its tokens accepted."""
    server = ApiServer(settings)
    try:
        with httpx.Client(base_url=server.url, timeout=20) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert client.get("/readyz").json()["checks"] == {"database": "ok"}
            jwks = client.get("/.well-known/jwks.json").json()
            issuer = build_local_issuer(settings)
            assert jwks == issuer.jwks()
            assert client.get("/.well-known/openid-configuration").json()["issuer"] == settings.local_issuer
            token = issuer.issue("m-1", [], timedelta(minutes=5), server.ledger.app.clock())
            created = Caller(client, token).post("/groups", group_body("cms"))
            assert created.status_code == 201, created.text
            expired = issuer.issue("m-1", [], timedelta(minutes=5), server.ledger.app.clock() - timedelta(hours=1))
            assert Caller(client, expired).post("/groups", group_body("cms2")).status_code == 401
            assert server.events_stored() == 1
    finally:
        server.close()
