"""Pure checks of the denied-attempt rate limit and the token verifier (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
import pytest

from infra.auth.errors import InvalidToken
from infra.auth.keys import StaticKeys
from infra.auth.local_issuer import LocalIssuer
from infra.auth.verifier import TokenVerifier
from service.denials import DenialRecorder, TokenBucket

pytestmark = pytest.mark.unit
NOW = datetime(2025, 3, 1, tzinfo=UTC)


class ListLog:
    def __init__(self) -> None:
        self.rows: list = []

    def record(self, refusal) -> None:
        self.rows.append(refusal)


def test_a_flood_of_denied_attempts_is_rate_limited_and_counted() -> None:
    now = [0.0]
    log = ListLog()
    recorder = DenialRecorder(log, TokenBucket(10, monotonic=lambda: now[0]), lambda: NOW)
    written = [recorder.record(None, "POST /groups", None, "valid-token-required", "bad\x00token") for _ in range(1000)]
    assert sum(written) == 10 and len(log.rows) == 10
    assert log.rows[0].actor_id == "unauthenticated" and "\x00" not in log.rows[0].message
    now[0] = 6.0  # a minute later a sixth of the budget is back
    assert recorder.record("m-1", "GET /refusals", "cms", "oversight-is-oar-or-auditor", "denied")
    assert "990 earlier denied attempt(s) not logged" in log.rows[-1].message


@pytest.fixture(scope="module")
def issuer() -> LocalIssuer:
    return LocalIssuer(Ed25519PrivateKey.generate(), "oar-ledger-local", "oar-ledger")


def _verifier(issuer: LocalIssuer) -> TokenVerifier:
    return TokenVerifier(issuer.issuer, issuer.audience, StaticKeys(issuer.jwks()), method="local-token")


def test_the_verifier_accepts_its_issuers_tokens(issuer: LocalIssuer) -> None:
    token = issuer.issue("m-1", ["oar-officers"], timedelta(minutes=5), datetime.now(UTC))
    claims = _verifier(issuer).verify(token)
    assert claims["sub"] == "m-1" and claims["groups"] == ["oar-officers"]


def test_the_verifier_refuses_algorithm_confusion_and_none(issuer: LocalIssuer) -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"iss": issuer.issuer, "aud": issuer.audience, "sub": "oar-1", "iat": now, "exp": now + 60}
    hmac = jwt.encode(claims, "secret-secret-secret-secret-secret", algorithm="HS256", headers={"kid": issuer.jwk["kid"]})
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": issuer.jwk["kid"]})
    for token, reason in ((hmac, "algorithm not accepted"), (unsigned, "algorithm not accepted"),
                          ("x" * 9000, "too large"), ("a.b", "malformed")):  # fmt: skip
        with pytest.raises(InvalidToken, match=reason):
            _verifier(issuer).verify(token)


def test_the_verifier_requires_expiry_and_subject(issuer: LocalIssuer) -> None:
    now = int(datetime.now(UTC).timestamp())
    no_exp = jwt.encode({"iss": issuer.issuer, "aud": issuer.audience, "sub": "m-1", "iat": now}, issuer.key,
                        algorithm="EdDSA", headers={"kid": issuer.jwk["kid"]})  # fmt: skip
    with pytest.raises(InvalidToken):
        _verifier(issuer).verify(no_exp)
