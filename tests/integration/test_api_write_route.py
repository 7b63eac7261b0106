"""Writes run through ``WriteRoute``'s own handler (for speed), not FastAPI's: the same
requests get the same answers from both. Each request below is sent twice to the API on
a real port, once with the writes on ``WriteRoute`` and once on FastAPI's ``APIRoute``
(the same endpoint, the same documented signature), and the answers are compared."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.routing import APIRoute
from test_api_support import ApiServer, group_body, api, http, oidc  # noqa: F401

from entrypoints.api.write_route import WriteRoute

pytestmark = pytest.mark.integration

JSON = {"content-type": "application/json"}
REASON = {"reason": "objectives clear, two managers"}

# (name, method, path, raw body or None, extra headers, who)
MALFORMED = [
    ("no body", "POST", "/groups/{g}/approval", None, {}, "oar"),
    ("empty body", "POST", "/groups/{g}/approval", b"", JSON, "oar"),
    ("not JSON", "POST", "/groups/{g}/approval", b"{reason", JSON, "oar"),
    ("not declared JSON", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', {"content-type": "text/plain"}, "oar"),
    ("no content type", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', {"content-type": ""}, "oar"),
    ("a list", "POST", "/groups/{g}/approval", b"[]", JSON, "oar"),
    ("an actor in the body", "POST", "/groups/{g}/approval",
     b'{"reason": "objectives clear", "actor": {"id": "oar-9", "role": "oar"}}', JSON, "oar"),
    ("a path field in the body", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear", "group": "x"}', JSON, "oar"),
    ("too short a reason", "POST", "/groups/{g}/approval", b'{"reason": "-0"}', JSON, "oar"),
    ("a too long path segment", "POST", "/groups/" + "g" * 65 + "/approval", b'{"reason": "objectives clear"}', JSON, "oar"),
    ("a malformed If-Match", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', JSON | {"if-match": "abc"}, "oar"),
    ("a too long If-Match", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', JSON | {"if-match": "1" * 41}, "oar"),
    ("a stale If-Match", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', JSON | {"if-match": '"9"'}, "oar"),
    ("a blank Idempotency-Key", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', JSON | {"idempotency-key": "a b"}, "oar"),
    ("no token", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', JSON, None),
    ("another scheme", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', JSON | {"authorization": "Basic b2FyOm9hcg=="}, None),
    ("a member approving", "POST", "/groups/{g}/approval", b'{"reason": "objectives clear"}', JSON, "member"),
    ("no such group", "POST", "/groups/nowhere/approval", b'{"reason": "objectives clear"}', JSON, "oar"),
    ("a +json type", "POST", "/groups/{g}/managers", b'{"manager": "not an id"}', {"content-type": "application/merge-patch+json"}, "m1"),
    ("a charset", "POST", "/groups/{g}/managers", b'{"manager": 7}', {"content-type": "application/json; charset=utf-8"}, "m1"),
]  # fmt: skip


def use_route_class(server: ApiServer, route_class: type[APIRoute]) -> None:
    """Rebuild every write route of the running app on ``route_class`` (same endpoint)."""
    routes = server.app.router.routes
    for index, route in enumerate(routes):
        if isinstance(route, APIRoute) and hasattr(route.endpoint, "write"):
            routes[index] = route_class(route.path, route.endpoint, methods=list(route.methods),
                                        status_code=route.status_code, name=route.name, responses=route.responses)  # fmt: skip


@pytest.fixture
def send(http: httpx.Client, oidc) -> Callable[..., httpx.Response]:
    tokens = {"oar": oidc.token("oar-1", ("oar-officers",)), "m1": oidc.token("m-1"), "member": oidc.token("m-7")}

    def send_(method: str, path: str, body: bytes | None, headers: dict, who: str | None) -> httpx.Response:
        headers = ({"authorization": f"Bearer {tokens[who]}"} if who else {}) | headers
        return http.request(method, path, content=body, headers={k: v for k, v in headers.items() if v})

    return send_


def answer(response: httpx.Response) -> tuple:
    kept = {k: v for k, v in response.headers.items() if k in ("content-type", "etag", "location", "www-authenticate")}
    return response.status_code, kept, response.json()


def test_malformed_writes_get_the_same_answer_from_both_handlers(api: ApiServer, send) -> None:
    assert send("POST", "/groups", httpx.Request("POST", "/", json=group_body("cms")).content, JSON, "m1").status_code == 201
    stored = api.events_stored()
    answers = {}
    for route_class in (WriteRoute, APIRoute):
        use_route_class(api, route_class)
        for name, method, path, body, headers, who in MALFORMED:
            response = send(method, path.format(g="cms"), body, headers, who)
            assert 400 <= response.status_code < 500, (route_class.__name__, name, response.text)
            answers.setdefault(name, []).append(answer(response))
    assert api.events_stored() == stored, "a refused write stored an event"
    different = {name: pair for name, pair in answers.items() if pair[0] != pair[1]}
    assert list(different) == ["not JSON"], different  # FastAPI names the character position as the field
    ours = answers["not JSON"][0][2]
    assert ours["errors"] == [{"field": "body", "message": "JSON decode error at character 1: unexpected character, expected a string key"}]


def test_accepted_writes_get_the_same_answer_from_both_handlers(api: ApiServer, send) -> None:
    results = []
    for route_class, slug in ((WriteRoute, "cms"), (APIRoute, "atlas")):
        use_route_class(api, route_class)
        created = send("POST", "/groups", httpx.Request("POST", "/", json=group_body(slug)).content, JSON, "m1")
        approved = send("POST", f"/groups/{slug}/approval", b'{"reason": "objectives clear"}',
                        JSON | {"if-match": '"1"', "idempotency-key": f"approve-{slug}"}, "oar")  # fmt: skip
        again = send("POST", f"/groups/{slug}/approval", b'{"reason": "objectives clear"}',
                     JSON | {"if-match": '"1"', "idempotency-key": f"approve-{slug}"}, "oar")  # fmt: skip
        joined = send("POST", f"/groups/{slug}/membership-requests", b"{}", JSON, "member")
        left = send("DELETE", f"/groups/{slug}/members/me", None, {}, "member")
        results.append([(r.status_code, r.headers.get("location", "").replace(slug, "*"), r.headers.get("etag"),
                         r.headers.get("idempotent-replayed"), r.json().get("events", r.json().get("type")))
                        for r in (created, approved, again, joined, left)])  # fmt: skip
    assert results[0] == results[1]
    assert [status for status, *_ in results[0]] == [201, 200, 200, 200, 422], results[0]  # leaving before joining: refused
