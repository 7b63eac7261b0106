"""``create_app(settings)``: the FastAPI application, built through the composition root
when called (nothing at import time). ``oar-ledger serve`` runs it on uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI

from bootstrap import Ledger, build_ledger, install_policy_packs
from entrypoints.api import problems
from entrypoints.api.context import build_context
from entrypoints.api.middleware import ApiMiddleware
from entrypoints.api.routes_commands import add_command_routes
from entrypoints.api.routes_evidence import add_evidence_routes
from entrypoints.api.routes_groups import add_groups_routes
from entrypoints.api.routes_oversight import add_oversight_routes
from entrypoints.api.routes_policy import add_policy_routes
from entrypoints.api.routes_review import add_review_routes
from entrypoints.api.routes_system import add_system_routes
from infra.settings import Settings

DESCRIPTION = (
    "The OAR audit ledger over HTTP. Every write names its actor by the bearer token's subject; "
    "the OAR and auditor roles come from a configured token claim, a manager's authority from the "
    "group's state. Errors are RFC 9457 problem details naming the field, or the rule and its clause."
)

# The ledger reports through Prometheus (/metrics) and JSON logs; FastAPI's native
# OpenTelemetry would otherwise look up the global providers on every request.
NO_OPENTELEMETRY = {"tracing": False, "metrics": False, "logs": False}


def create_app(
    settings: Settings | None = None, *, ledger: Ledger | None = None, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    install_policy_packs(settings)  # the packs every route judges by: published + the setting's
    ledger = ledger or (build_ledger(settings, clock) if clock else build_ledger(settings))
    api_context = build_context(settings, ledger)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        api_context.close()

    app = assemble(lifespan)
    app.state.context = api_context
    if settings.api_cors_origins:  # off by default
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=settings.api_cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
                           expose_headers=["ETag", "Location", "X-Request-ID"])  # fmt: skip
    app.add_middleware(ApiMiddleware, max_body_bytes=settings.api_max_body_bytes)
    return app


def assemble(lifespan=None) -> FastAPI:
    """The routes and error handling, without any state: also what the OpenAPI document
    (``contracts/openapi.json``) is generated from."""
    app = FastAPI(title="OAR audit ledger", version="1", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json", telemetry=NO_OPENTELEMETRY)  # fmt: skip
    problems.install(app)
    # On the app's own router, not included sub-routers: FastAPI matches an included
    # router's routes through a second, lazily built table on every request (~0.5 ms
    # per request across seven of them, measured).
    for add_routes in (add_system_routes, add_command_routes, add_groups_routes, add_review_routes,
                       add_oversight_routes, add_evidence_routes, add_policy_routes):  # fmt: skip
        add_routes(app.router)
    return app


def openapi_document() -> dict:
    return assemble().openapi()
