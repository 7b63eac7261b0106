"""The web pages' OpenID Connect client: the authorization-code flow with PKCE (RFC 7636,
S256). ``begin`` makes the authorization URL and the secrets the browser must bring
back (state, nonce, code verifier); ``finish`` exchanges the code at the token endpoint
and returns the ID token, which the pages verify with the API's own token verifier.

Plain httpx and the standard library: the flow is four requests and a hash.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from infra.auth.errors import InvalidToken, KeysUnavailable


@dataclass(frozen=True)
class Pending:
    """What the browser carries (signed) between the redirect and the callback."""

    state: str
    nonce: str
    verifier: str


def challenge(verifier: str) -> str:
    """The S256 code challenge of a code verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class OidcClient:
    def __init__(self, issuer: str, client_id: str, client_secret: str | None = None, *,
                 discovery_url: str | None = None, scopes: str = "openid", timeout: float = 5.0) -> None:  # fmt: skip
        self.issuer, self.client_id, self.client_secret = issuer, client_id, client_secret
        self.discovery_url = discovery_url or issuer.rstrip("/") + "/.well-known/openid-configuration"
        self.scopes, self.timeout = scopes, timeout
        self._discovery: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def discovery(self) -> dict[str, Any]:
        with self._lock:
            if self._discovery is None:
                try:
                    with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                        found = client.get(self.discovery_url).raise_for_status().json()
                except (httpx.HTTPError, ValueError) as problem:
                    raise KeysUnavailable(f"cannot fetch the issuer's discovery document: {type(problem).__name__}") from None
                if found.get("issuer") != self.issuer or not {"authorization_endpoint", "token_endpoint"} <= set(found):
                    raise KeysUnavailable("the discovery document names another issuer or lacks the code flow's endpoints")
                self._discovery = found
            return self._discovery

    def begin(self, redirect_uri: str) -> tuple[str, Pending]:
        pending = Pending(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
                 "scope": self.scopes, "state": pending.state, "nonce": pending.nonce,
                 "code_challenge": challenge(pending.verifier), "code_challenge_method": "S256"}  # fmt: skip
        endpoint = self.discovery()["authorization_endpoint"]
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}", pending

    def finish(self, code: str, redirect_uri: str, pending: Pending) -> str:
        """The ID token for ``code`` (the caller verifies it and its nonce)."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": self.client_id, "code_verifier": pending.verifier}  # fmt: skip
        if self.client_secret:
            form["client_secret"] = self.client_secret
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                answer = client.post(self.discovery()["token_endpoint"], data=form, headers={"Accept": "application/json"})
        except httpx.HTTPError as problem:
            raise KeysUnavailable(f"cannot reach the issuer's token endpoint: {type(problem).__name__}") from None
        if answer.status_code != 200:
            raise InvalidToken(f"the issuer refused the authorization code (HTTP {answer.status_code})")
        try:
            token = answer.json()["id_token"]
        except (ValueError, KeyError, TypeError):
            raise InvalidToken("the issuer's token response has no id_token") from None
        if not isinstance(token, str):
            raise InvalidToken("the issuer's token response has no id_token")
        return token
