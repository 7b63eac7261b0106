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


def test_a_verified_token_is_remembered_and_its_claims_cannot_be_changed_through_the_memory(issuer) -> None:
    verifier = _verifier(issuer)
    token = issuer.issue("m-1", ["oar-officers"], timedelta(minutes=5), datetime.now(UTC))
    first = verifier.verify(token)
    first["sub"] = "someone-else"
    verifier.keys = _other_keys(issuer)  # a second full check would now fail: the memory answers
    assert verifier.verify(token)["sub"] == "m-1" and len(verifier.recent) == 1


def test_refused_tokens_are_not_remembered(issuer) -> None:
    verifier = _verifier(issuer)
    token = issuer.issue("m-1", [], timedelta(minutes=5), datetime.now(UTC))
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for _ in range(2):
        with pytest.raises(InvalidToken):
            verifier.verify(tampered)
    assert len(verifier.recent) == 0


def test_a_remembered_token_expires_with_the_token_or_the_memorys_ttl() -> None:
    from infra.auth.token_cache import VerifiedTokens

    now = [1000.0]
    recent = VerifiedTokens(ttl_seconds=60, capacity=2, clock=lambda: now[0])
    recent.remember("short", {"sub": "a"}, expires_at=1010.0)
    recent.remember("long", {"sub": "b"}, expires_at=5000.0)
    now[0] = 1010.0
    assert recent.get("short") is None and recent.get("long") == {"sub": "b"}
    now[0] = 1060.0  # the memory's own minute is over, although the token is still valid
    assert recent.get("long") is None and len(recent) == 0


def test_the_memory_keeps_at_most_its_capacity_dropping_the_least_recently_used() -> None:
    from infra.auth.token_cache import VerifiedTokens

    recent = VerifiedTokens(ttl_seconds=60, capacity=2, clock=lambda: 0.0)
    recent.remember("a", {"n": 1}, expires_at=100.0)
    recent.remember("b", {"n": 2}, expires_at=100.0)
    recent.get("a")
    recent.remember("c", {"n": 3}, expires_at=100.0)
    assert recent.get("b") is None and recent.get("a") == {"n": 1} and recent.get("c") == {"n": 3}


def test_an_expired_token_is_refused_even_when_remembered(issuer) -> None:
    verifier = _verifier(issuer)
    verifier.leeway_seconds = 0
    token = issuer.issue("m-1", [], timedelta(seconds=1), datetime.now(UTC))
    verifier.verify(token)
    verifier.recent.clock = lambda: datetime.now(UTC).timestamp() + 5
    verifier.keys = _other_keys(issuer)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def _other_keys(issuer: LocalIssuer) -> StaticKeys:
    """Another issuer's keys under the same names: a full check of ``issuer``'s tokens fails."""
    return StaticKeys(LocalIssuer(Ed25519PrivateKey.generate(), issuer.issuer, issuer.audience).jwks())
