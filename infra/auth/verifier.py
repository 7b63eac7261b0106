"""The one code path that verifies a bearer token, for OIDC and local tokens alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jwt

from infra.auth.errors import InvalidToken
from infra.auth.keys import KeySource
from infra.auth.token_cache import VerifiedTokens

ALLOWED_ALGORITHMS = ("EdDSA", "ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
"""Asymmetric only: ``none`` and the HMAC family are refused before any key is looked up."""


@dataclass
class TokenVerifier:
    """Checks signature, issuer, audience and lifetime; returns the verified claims."""

    issuer: str
    audience: str
    keys: KeySource
    method: str  # how an identity verified here is recorded: "oidc" or "local-token"
    leeway_seconds: int = 30
    max_token_bytes: int = 8192
    recent: VerifiedTokens = field(default_factory=VerifiedTokens)
    """Tokens verified in the last minute: a client's next request skips the signature check
    (about 0.4 ms each with PyJWT); expiry is still enforced on every request."""

    def verify(self, token: str) -> dict[str, Any]:
        if len(token) > self.max_token_bytes:
            raise InvalidToken("token too large")
        claims = self.recent.get(token)
        if claims is None:
            claims = self._verify_fully(token)
            self.recent.remember(token, claims, expires_at=float(claims["exp"]) + self.leeway_seconds)
        return claims

    def remembered(self, token: str) -> dict[str, Any] | None:
        """The claims of ``token`` if it verified recently and has not expired; never blocks."""
        return self.recent.get(token) if len(token) <= self.max_token_bytes else None

    def _verify_fully(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise InvalidToken("malformed token") from None
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALLOWED_ALGORITHMS:
            raise InvalidToken(f"algorithm not accepted: {str(algorithm)[:16]!r}")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("token names no key id")
        key = self.keys.key_for(kid)
        if key.algorithm_name != algorithm:  # the key's own (or its type's default) algorithm
            raise InvalidToken("token algorithm does not match its key")
        return self._decode(token, key, algorithm)

    def _decode(self, token: str, key: jwt.PyJWK, algorithm: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token, key.key, algorithms=[algorithm], audience=self.audience, issuer=self.issuer,
                leeway=self.leeway_seconds, options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )  # fmt: skip
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.InvalidAudienceError:
            raise InvalidToken("token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidToken("token is from another issuer") from None
        except jwt.InvalidSignatureError:
            raise InvalidToken("signature does not verify") from None
        except jwt.PyJWTError as problem:
            raise InvalidToken(f"invalid token: {type(problem).__name__}") from None
