"""Production sign-in to the pages, in the system Chromium: the OpenID Connect
authorization-code flow with PKCE against a small OIDC provider on a loopback port
(discovery, JWKS, authorize, token). The provider checks the S256 code challenge against
the verifier at its token endpoint, so a wrong PKCE computation cannot sign anyone in."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_world import WebServer, chromium_path

from bootstrap import build_ledger
from infra.settings import Settings

pytestmark = pytest.mark.e2e
CLIENT_ID = "oar-ledger-web"


class Provider:
    """An OIDC provider whose user is ``subject`` (with ``groups``) once they 'log in'."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.subject, self.groups, self.deny, self.wrong_nonce = "oar-7", ["oar-officers"], False, False
        self.codes: dict[str, dict[str, str]] = {}
        self.exchanges: list[str] = []  # "ok" or why the token endpoint refused
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._json({"issuer": provider.issuer, "jwks_uri": provider.issuer + "/jwks",
                                "authorization_endpoint": provider.issuer + "/authorize",
                                "token_endpoint": provider.issuer + "/token",
                                "code_challenge_methods_supported": ["S256"]})  # fmt: skip
                elif url.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key())) | {"kid": "k1", "alg": "RS256"}
                    self._json({"keys": [jwk]})
                elif url.path == "/authorize":
                    self._authorize(query)
                else:
                    self.send_error(404)

            def _authorize(self, query: dict[str, str]) -> None:
                good = (query.get("response_type") == "code" and query.get("client_id") == CLIENT_ID
                        and query.get("code_challenge_method") == "S256" and query.get("code_challenge"))  # fmt: skip
                if not good:
                    self.send_error(400)
                    return
                if provider.deny:
                    back = {"error": "access_denied", "state": query["state"]}
                else:
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    back = {"code": code, "state": query["state"]}
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                asked = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                why = ("unknown code" if asked is None else "wrong redirect_uri" if form.get("redirect_uri") != asked["redirect_uri"]
                       else "PKCE verifier does not match" if computed != asked["code_challenge"] else "ok")  # fmt: skip
                provider.exchanges.append(why)
                if why != "ok":
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = datetime.now(UTC)
                claims = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": provider.subject, "groups": provider.groups,
                          "nonce": "not-yours" if provider.wrong_nonce else asked["nonce"],
                          "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=10)).timestamp())}  # fmt: skip
                token = jwt.encode(claims, provider.key, algorithm="RS256", headers={"kid": "k1"})
                self._json({"id_token": token, "access_token": "opaque", "token_type": "Bearer"})

            def _json(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = Provider()
    yield running
    running.close()


@pytest.fixture(scope="module")
def server(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    settings = Settings(var_dir=tmp_path_factory.mktemp("oidc") / "var", oidc_issuer=provider.issuer,
                        token_audience=CLIENT_ID, _env_file=None)  # fmt: skip
    ledger = build_ledger(settings)
    running = WebServer(settings, ledger)
    yield running
    running.close()
    ledger.close()


@pytest.fixture
def page(server: WebServer, provider: Provider) -> Iterator[Page]:
    provider.deny = provider.wrong_nonce = False
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield browser.new_context(base_url=server.url).new_page()
        browser.close()


def test_sign_in_through_the_issuer_with_pkce(page: Page, provider: Provider) -> None:
    page.goto("/ui/groups")
    expect(page.get_by_text("Development sign-in.")).to_have_count(0)
    page.get_by_role("link", name="Sign in with single sign-on").click()
    expect(page).to_have_url(page.url.split("/ui/")[0] + "/ui/groups")
    expect(page.get_by_text("Signed in as oar-7")).to_contain_text("OAR, oidc")
    assert provider.exchanges[-1] == "ok"
    cookie = {c["name"]: c for c in page.context.cookies()}["oar_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_a_forged_callback_signs_no_one_in(page: Page, provider: Provider) -> None:
    response = page.goto("/ui/oidc/callback?code=stolen&state=guessed")
    assert response is not None and response.status == 401
    started = page.request.get("/ui/oidc/login?next=/ui/groups", max_redirects=0)  # a flow of this browser...
    assert started.status == 303 and "code_challenge_method=S256" in started.headers["location"]
    assert "oar_oidc" in {c["name"] for c in page.context.cookies()}
    response = page.goto("/ui/oidc/callback?code=stolen&state=guessed")  # ...and a callback with another state
    assert response is not None and response.status == 401
    expect(page.get_by_role("alert")).to_contain_text("state does not match")
    assert "oar_session" not in {c["name"] for c in page.context.cookies()}


@pytest.mark.parametrize("failure, says", [("deny", "did not sign you in"), ("wrong_nonce", "nonce")])
def test_a_refused_or_replayed_sign_in_signs_no_one_in(page: Page, provider: Provider, failure: str, says: str) -> None:
    setattr(provider, failure, True)
    page.goto("/ui/sign-in")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    expect(page.get_by_role("heading", name="Authentication required")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(says)
    assert "oar_session" not in {c["name"] for c in page.context.cookies()}
