"""Wiring of the web pages: the secret that signs their CSRF tokens, their OIDC client."""

from __future__ import annotations

from infra.settings import Settings


def build_web_secret(settings: Settings) -> bytes:
    """The pages' signing secret (created under var/keys on first use)."""
    from infra.auth.web_secret import load_or_create_secret

    return load_or_create_secret(settings.web_secret_file)


def build_oidc_client(settings: Settings):
    """The pages' OIDC client when an issuer is configured, else None (development sign-in)."""
    if not settings.oidc_issuer:
        return None
    from infra.auth.oidc_client import OidcClient

    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    return OidcClient(settings.oidc_issuer, settings.oidc_client_id or settings.token_audience, secret,
                      discovery_url=settings.oidc_discovery_url, scopes=settings.oidc_scopes)  # fmt: skip
