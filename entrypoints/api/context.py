"""What the API's requests share: the ledger, the token verifier and the stores, built
through the composition root when the app is created (never at import time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import Engine

from bootstrap import Ledger, build_denial_recorder, build_local_issuer, build_projection_engine, build_token_verifier
from infra.settings import Settings
from infra.store.idempotency import IdempotencyStore
from service.access import ClaimMapping


@dataclass
class ApiContext:
    settings: Settings
    ledger: Ledger
    verifier: Any
    mapping: ClaimMapping
    idempotency: IdempotencyStore
    denials: Any
    local_issuer: Any = None
    metrics: Any = None  # the ledger-wide collector's registry (entrypoints/api/metrics.py)
    _projections: Engine | None = field(default=None, repr=False)

    @property
    def projections(self) -> Engine:
        """The read models (built on first use: most writes never need them)."""
        if self._projections is None:
            self._projections = build_projection_engine(self.settings)
        return self._projections

    def close(self) -> None:
        if self._projections is not None:
            self._projections.dispose()
        self.ledger.close()


def build_context(settings: Settings, ledger: Ledger) -> ApiContext:
    from entrypoints.api.metrics import ledger_registry

    api = ApiContext(
        settings=settings,
        ledger=ledger,
        verifier=build_token_verifier(settings),
        mapping=ClaimMapping(settings.roles_claim, settings.oar_claim_value, settings.auditor_claim_value),
        idempotency=IdempotencyStore(ledger.engine),
        denials=build_denial_recorder(ledger),
        local_issuer=None if settings.oidc_issuer else build_local_issuer(settings),
    )
    api.metrics = ledger_registry(ledger, lambda: api.projections)
    return api


def context(request: Request) -> ApiContext:
    return request.app.state.context
