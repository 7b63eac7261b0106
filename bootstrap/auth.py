"""Wiring of authentication: the local token issuer, the one token verifier, denied attempts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bootstrap import Ledger

from infra.settings import Settings


def build_local_issuer(settings: Settings):
    """The ledger's own token issuer (its key is created under var/keys on first use)."""
    from infra.auth.local_issuer import LocalIssuer

    return LocalIssuer.from_file(settings.token_key_file, settings.local_issuer, settings.token_audience)


def build_token_verifier(settings: Settings):
    """The one bearer-token verifier: the OIDC issuer's keys when configured, else the
    local issuer's. Both go through the same checks."""
    from infra.auth.keys import OidcKeys, StaticKeys
    from infra.auth.token_cache import VerifiedTokens
    from infra.auth.verifier import TokenVerifier

    recent = VerifiedTokens(ttl_seconds=settings.verified_token_memory_seconds)
    if settings.oidc_issuer:
        keys = OidcKeys(settings.oidc_issuer, settings.oidc_discovery_url,
                        min_refresh_seconds=settings.oidc_refresh_min_seconds)
        return TokenVerifier(settings.oidc_issuer, settings.token_audience, keys, method="oidc", recent=recent)
    issuer = build_local_issuer(settings)
    keys = StaticKeys(issuer.jwks())
    return TokenVerifier(issuer.issuer, issuer.audience, keys, method="local-token", recent=recent)


def build_denial_recorder(ledger: Ledger):
    """Denied API attempts into the refusal log, rate-limited."""
    from service.denials import DenialRecorder, TokenBucket

    bucket = TokenBucket(ledger.settings.denied_log_per_minute)
    return DenialRecorder(ledger.refusals, bucket, ledger.app.clock)
