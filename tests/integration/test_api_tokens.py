"""Token failures through real HTTP: 401, nothing written, the attempt audited."""

from __future__ import annotations

import time

import pytest
from test_api_support import AUDIENCE, ApiServer, Caller, OidcProvider, api, group_body, http, oidc, unsigned_token  # noqa: F401

pytestmark = pytest.mark.integration


def _tamper(token: str) -> str:
    head, claims, signature = token.split(".")
    flipped = ("A" if signature[5] != "A" else "B")
    return f"{head}.{claims}.{signature[:5]}{flipped}{signature[6:]}"


def test_bad_tokens_get_401_and_write_nothing(api: ApiServer, http, oidc: OidcProvider) -> None:
    oidc.add_key("never-published", publish=False)
    bad = {
        "expired": oidc.token("m-1", ttl=-120),
        "wrong issuer": oidc.token("m-1", issuer="https://elsewhere.example"),
        "wrong audience": oidc.token("m-1", audience="another-service"),
        "unknown key": oidc.token("m-1", kid="never-published"),
        "alg none": unsigned_token("oar-1", oidc.issuer),
        "tampered signature": _tamper(oidc.token("m-1")),
        "garbage": "not-a-token",
    }
    for reason, token in bad.items():
        response = Caller(http, token).post("/groups", group_body(f"g-{abs(hash(reason)) % 10**6}"))
        assert response.status_code == 401, (reason, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert http.post("/groups", json=group_body("no-token")).status_code == 401
    assert api.events_stored() == 0
    denied = api.ledger.refusals.since(0)
    assert len(denied) == len(bad) + 1
    assert {r.actor_id for _, r in denied} == {"unauthenticated"}
    assert any("expired" in r.message for _, r in denied)


def test_a_valid_token_writes_with_the_subject_as_actor(api: ApiServer, http, oidc: OidcProvider) -> None:
    response = Caller(http, oidc.token("m-1")).post("/groups", group_body("cms-alumni"))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/groups/cms-alumni" and response.headers["etag"] == '"1"'
    (event,) = api.ledger.app.group_events("cms-alumni")
    assert (event.actor_id, event.actor_role.value) == ("m-1", "member")


def test_a_rotated_key_is_fetched_on_its_first_use(api: ApiServer, http, oidc: OidcProvider) -> None:
    assert Caller(http, oidc.token("m-1")).post("/groups", group_body("first")).status_code == 201
    oidc.add_key("nope-1", publish=False)
    oidc.add_key("nope-2", publish=False)
    fetches = oidc.jwks_fetches
    assert Caller(http, oidc.token("m-1", kid="nope-1")).get("/groups/first").status_code == 401
    assert Caller(http, oidc.token("m-1", kid="nope-2")).get("/groups/first").status_code == 401
    assert oidc.jwks_fetches <= fetches + 1  # unknown key ids refetch at most every 0.5 s
    time.sleep(0.6)
    fetches = oidc.jwks_fetches
    oidc.add_key("key-2")  # the issuer rotates: the ledger has not seen key-2 yet
    response = Caller(http, oidc.token("m-1", kid="key-2")).post("/groups", group_body("second"))
    assert response.status_code == 201, response.text
    assert oidc.jwks_fetches == fetches + 1
    Caller(http, oidc.token("m-1", kid="key-2")).get("/groups/second")
    assert oidc.jwks_fetches == fetches + 1  # cached afterwards
