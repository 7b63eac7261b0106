"""The authentication adapter's errors (translated to 401 by the API, in one place)."""

from __future__ import annotations


class AuthError(Exception):
    """Base of the authentication adapter's errors."""


class InvalidToken(AuthError):
    """The bearer token is missing, malformed, expired, wrongly signed, for another
    audience or issuer, signed with an unknown key, or unsigned (``alg: none``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KeysUnavailable(AuthError):
    """The issuer's discovery document or JWKS could not be fetched or read."""
