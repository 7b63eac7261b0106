"""Wiring of the web pages: the secret that signs their CSRF tokens."""

from __future__ import annotations

from infra.settings import Settings


def build_web_secret(settings: Settings) -> bytes:
    """The pages' signing secret (created under var/keys on first use)."""
    from infra.auth.web_secret import load_or_create_secret

    return load_or_create_secret(settings.web_secret_file)
