"""Authentication settings: an empty OAR_OIDC_ISSUER (the compose development env) means the
ledger's local issuer, not an issuer named ""."""

from __future__ import annotations

import pytest

from infra.settings import Settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("given", ["", "  "])
def test_a_blank_issuer_is_unset(monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.setenv("OAR_OIDC_ISSUER", given)
    assert Settings(_env_file=None).oidc_issuer is None


def test_an_issuer_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAR_OIDC_ISSUER", "https://login.example.org/realms/oar")
    assert Settings(_env_file=None).oidc_issuer == "https://login.example.org/realms/oar"
