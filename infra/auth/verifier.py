"""The one code path that verifies a bearer token, for OIDC and local tokens alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from infra.auth.errors import InvalidToken
from infra.auth.keys import KeySource

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

    def verify(self, token: str) -> dict[str, Any]:
        if len(token) > self.max_token_bytes:
            raise InvalidToken("token too large")
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
