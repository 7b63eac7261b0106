"""The ledger's own token issuer (embedded default and tests): an Ed25519 key under
``var/keys/``, tokens minted by ``oar-ledger tokens issue``, and the JWKS the ledger
serves at ``/.well-known/jwks.json``. Its tokens are verified like any OIDC token."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from infra.auth.errors import AuthError

ALGORITHM = "EdDSA"


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The issuer's private key (PKCS#8 PEM, mode 0600), created on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise AuthError(f"token key {path} is not an Ed25519 private key")
    return key


def public_jwk(key: Ed25519PrivateKey) -> dict[str, Any]:
    """The public key as a JWK, with its RFC 7638 thumbprint as ``kid``."""
    jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
    required = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    digest = hashlib.sha256(json.dumps(required, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return required | {"kid": kid, "alg": ALGORITHM, "use": "sig"}


class LocalIssuer:
    """Mints tokens for ``issuer``/``audience`` with ``key``."""

    def __init__(self, key: Ed25519PrivateKey, issuer: str, audience: str) -> None:
        self.key, self.issuer, self.audience = key, issuer, audience
        self.jwk = public_jwk(key)

    @classmethod
    def from_file(cls, key_path: Path, issuer: str, audience: str) -> LocalIssuer:
        return cls(load_or_create_key(key_path), issuer, audience)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk]}

    def issue(self, subject: str, groups: list[str], ttl: timedelta, now: datetime) -> str:
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            "groups": groups,
        }
        return jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.jwk["kid"]})
