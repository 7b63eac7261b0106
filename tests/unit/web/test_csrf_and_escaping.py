"""The pages' CSRF check and escaping, without a server: a form token must be the
cookie's value signed with the pages' secret; templates escape what people typed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI, Request

from entrypoints.web.session import CSRF_COOKIE, CsrfRefused, checked_form, csrf_for
from entrypoints.web.templating import environment, when

pytestmark = pytest.mark.unit


def request(form: dict[str, str], cookie: str | None) -> Request:
    app = FastAPI()
    app.state.web_secret = b"s" * 32
    body = urlencode(form).encode()
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    if cookie is not None:
        headers.append((b"cookie", f"{CSRF_COOKIE}={cookie}".encode()))
    scope = {"type": "http", "method": "POST", "path": "/ui/decisions", "headers": headers, "app": app,
             "query_string": b"", "scheme": "http", "server": ("t", 80)}  # fmt: skip

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def token_for(cookie: str) -> str:
    return csrf_for(request({}, cookie))[0]


def test_a_form_with_the_cookies_signed_token_passes() -> None:
    form = asyncio.run(checked_form(request({"csrf_token": token_for("abc"), "reason": "ok"}, "abc")))
    assert form == {"reason": "ok"}


@pytest.mark.parametrize("form, cookie", [
    ({"reason": "no token"}, "abc"),
    ({"csrf_token": "abc", "reason": "unsigned"}, "abc"),
    ({"csrf_token": "forged.value.here"}, "abc"),
    ({"csrf_token": "SIGNED-OTHER"}, "abc"),
    ({"csrf_token": "SIGNED-ABC"}, None),
])  # fmt: skip
def test_a_form_without_a_valid_token_is_refused(form: dict, cookie: str | None) -> None:
    signed = {"SIGNED-OTHER": token_for("other"), "SIGNED-ABC": token_for("abc")}
    form = {k: signed.get(v, v) for k, v in form.items()}
    with pytest.raises(CsrfRefused):
        asyncio.run(checked_form(request(form, cookie)))


def test_templates_escape_what_people_typed() -> None:
    template = environment().from_string("<p>{{ name }}</p>{{ moment | when }}")
    html = template.render(name="<script>alert(1)</script> x [/bold] y", moment=datetime(2025, 1, 2, 3, 4, tzinfo=UTC))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; x [/bold] y" in html
    assert 'title="2025-01-02 03:04 UTC"' in html
