"""``create_app``: the API's app (``entrypoints.api.app.create_app``) plus the web pages
under ``/ui`` and their static files. ``oar-ledger serve`` runs this one; the pages call
the service layer through the same context, verifier and error translation as the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from bootstrap import Ledger, build_oidc_client, build_web_secret
from entrypoints.api.app import create_app as create_api
from entrypoints.web.routes_decisions import decisions_router
from entrypoints.web.routes_evidence import evidence_router
from entrypoints.web.routes_groups import groups_router
from entrypoints.web.routes_oidc import oidc_router
from entrypoints.web.routes_oversight import oversight_router
from entrypoints.web.routes_signin import signin_router
from entrypoints.web.templating import HERE
from infra.settings import Settings


def create_app(
    settings: Settings | None = None, *, ledger: Ledger | None = None, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_api(settings, ledger=ledger, clock=clock)
    install_pages(app, settings)
    return app


def install_pages(app: FastAPI, settings: Settings) -> None:
    app.state.web_secret = build_web_secret(settings)
    app.state.oidc_client = build_oidc_client(settings)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="static")
    routers = (signin_router(), oidc_router(), decisions_router(), groups_router(), oversight_router(), evidence_router())
    for router in routers:
        app.include_router(router, prefix="/ui", include_in_schema=False)
    app.add_api_route("/", lambda: RedirectResponse("/ui/", status_code=303), include_in_schema=False)
