"""Real HTTP for the API tests (no tests here): the app on uvicorn on a free loopback
port in a thread, and a fixture OpenID Connect provider (discovery + JWKS over HTTP)
whose RSA keys sign the tokens. Imported by the ``test_api_*`` modules."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bootstrap import build_ledger
from entrypoints.api.app import create_app
from infra.settings import Settings

AUDIENCE = "oar-ledger-test"


class OidcProvider:
    """An OIDC issuer on 127.0.0.1: ``/.well-known/openid-configuration`` and ``/jwks``."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: set[str] = set()
        self.jwks_fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": provider.issuer, "jwks_uri": provider.issuer + "/jwks"}
                elif self.path == "/jwks":
                    provider.jwks_fetches += 1
                    body = {"keys": [provider.public_jwk(kid) for kid in sorted(provider.published)]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.add_key("key-1")

    def add_key(self, kid: str, publish: bool = True) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.add(kid)

    def public_jwk(self, kid: str) -> dict[str, Any]:
        return json.loads(RSAAlgorithm.to_jwk(self.keys[kid].public_key())) | {"kid": kid, "alg": "RS256", "use": "sig"}

    def token(self, subject: str, groups: tuple[str, ...] = (), *, kid: str = "key-1", ttl: int = 300,
              issuer: str | None = None, audience: str = AUDIENCE, now: datetime | None = None) -> str:  # fmt: skip
        now = now or datetime.now(UTC)
        claims = {"iss": issuer or self.issuer, "aud": audience, "sub": subject, "groups": list(groups),
                  "iat": int(now.timestamp()), "exp": int((now + timedelta(seconds=ttl)).timestamp())}  # fmt: skip
        return jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def unsigned_token(subject: str, issuer: str) -> str:
    """``alg: none``: a token anyone can write."""
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": issuer, "aud": AUDIENCE, "sub": subject, "groups": ["oar-officers"], "iat": now, "exp": now + 300}
    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': 'key-1'})}.{part(claims)}."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ApiServer:
    """``create_app`` on uvicorn in a thread, on a real loopback port."""

    def __init__(self, settings: Settings, clock: Any = None) -> None:
        self.ledger = build_ledger(settings, clock) if clock else build_ledger(settings)
        self.app = create_app(settings, ledger=self.ledger)
        self.port = free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the API did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def events_stored(self) -> int:
        return self.ledger.app.recorder.max_notification_id() or 0

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class Caller:
    """An HTTP client holding one person's token."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict | None = None, **headers: str) -> httpx.Response:
        return self.client.post(path, json=body or {}, headers=self.headers | headers)

    def delete(self, path: str, **headers: str) -> httpx.Response:
        return self.client.delete(path, headers=self.headers | headers)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params, headers=self.headers)


@pytest.fixture
def oidc() -> Iterator[OidcProvider]:
    provider = OidcProvider()
    yield provider
    provider.close()


@pytest.fixture
def api(settings: Settings, oidc: OidcProvider, clock) -> Iterator[ApiServer]:
    """The API on SQLite and on PostgreSQL, trusting the fixture OIDC provider."""
    configured = settings.model_copy(
        update={"oidc_issuer": oidc.issuer, "token_audience": AUDIENCE, "oidc_refresh_min_seconds": 0.5}
    )
    server = ApiServer(configured, clock)
    yield server
    server.close()


@pytest.fixture
def http(api: ApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=20) as client:
        yield client


GROUP_BODY = {
    "group_type": "scientific-collaboration", "managed_by": "alumni", "objectives": "Connect alumni of the CMS collaboration",
}  # fmt: skip


def group_body(slug: str, visibility: str = "private", managers: tuple[str, ...] = ("m-1", "m-2")) -> dict:
    criteria = ["was a member of the CMS collaboration"] if visibility == "private" else []
    return GROUP_BODY | {"group": slug, "name": f"Group {slug}", "visibility": visibility,
                         "membership_criteria": criteria, "proposed_managers": list(managers)}  # fmt: skip
