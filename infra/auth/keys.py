"""Where verification keys come from: a fixed JWKS (the local issuer) or an OIDC
issuer's discovery document and JWKS, fetched, cached, and refreshed when a token
names a key id not in the cache (at most once per ``min_refresh_seconds``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import jwt

from infra.auth.errors import InvalidToken, KeysUnavailable


class KeySource(Protocol):
    def key_for(self, kid: str) -> jwt.PyJWK: ...


def _keyset(document: Any) -> dict[str, jwt.PyJWK]:
    try:
        keys = jwt.PyJWKSet.from_dict(document).keys
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, KeyError, TypeError) as problem:
        raise KeysUnavailable(f"unusable JWKS: {problem}") from None
    return {key.key_id: key for key in keys if key.key_id}


class StaticKeys:
    """A JWKS known up front (the ledger's own issuer)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.keys = _keyset(jwks)

    def key_for(self, kid: str) -> jwt.PyJWK:
        try:
            return self.keys[kid]
        except KeyError:
            raise InvalidToken("unknown signing key") from None


class OidcKeys:
    """Keys of an OpenID Connect issuer, from ``<issuer>/.well-known/openid-configuration``."""

    def __init__(
        self,
        issuer: str,
        discovery_url: str | None = None,
        *,
        timeout: float = 5.0,
        min_refresh_seconds: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self.discovery_url = discovery_url or issuer.rstrip("/") + "/.well-known/openid-configuration"
        self.timeout, self.min_refresh_seconds, self.monotonic = timeout, min_refresh_seconds, monotonic
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> jwt.PyJWK:
        key = self._keys.get(kid)
        if key is None and self._may_refresh():
            with self._lock:
                if kid not in self._keys and self._may_refresh():
                    self._keys = self._fetch()
                    self._fetched_at = self.monotonic()
            key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("unknown signing key")
        return key

    def _may_refresh(self) -> bool:
        return self._fetched_at is None or self.monotonic() - self._fetched_at >= self.min_refresh_seconds

    def _fetch(self) -> dict[str, jwt.PyJWK]:
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                discovery = client.get(self.discovery_url).raise_for_status().json()
                if discovery.get("issuer") != self.issuer:
                    raise KeysUnavailable("the discovery document names another issuer")
                return _keyset(client.get(discovery["jwks_uri"]).raise_for_status().json())
        except (httpx.HTTPError, ValueError, KeyError) as problem:
            raise KeysUnavailable(f"cannot fetch the issuer's keys: {type(problem).__name__}") from None
