"""Sign-in and sign-out. Embedded default: a development sign-in form that issues the
local issuer's token for a chosen subject and role (the token the API accepts, checked
by the same verifier). With ``OAR_OIDC_ISSUER`` set the form is not offered: the
sign-in goes through the issuer (``routes_oidc.py``)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from entrypoints.api.auth import SUBJECT
from entrypoints.api.context import context
from entrypoints.web.errors import page
from entrypoints.web.session import checked_form, end_session, start_session
from entrypoints.web.templating import render
from infra.clock import system_clock

ROLES = ("oar", "auditor", "person")


def signin_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/sign-in", page(sign_in_form), methods=["GET"])
    router.add_api_route("/sign-in", page(sign_in), methods=["POST"])
    router.add_api_route("/sign-out", page(sign_out), methods=["POST"])
    return router


def safe_next(target: str | None) -> str:
    """Only a page of this site (no open redirect)."""
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/"


def sign_in_form(request: Request, next: str | None = None) -> Response:
    api = context(request)
    return render(request, "sign_in.html", local=api.local_issuer is not None, next=safe_next(next), error=None,
                  subject="", role="person", roles=ROLES, oidc=request.app.state.oidc_client is not None)  # fmt: skip


async def sign_in(request: Request) -> Response:
    form = await checked_form(request)
    api = context(request)
    subject, role, target = form.get("subject", "").strip(), form.get("role", ""), safe_next(form.get("next"))
    error = None
    if api.local_issuer is None:
        error = "the development sign-in is off: this ledger takes tokens of its OIDC issuer"
    elif not SUBJECT.match(subject):
        error = ("invalid subject: an opaque person id (a lowercase kind prefix, a dash, then a number of "
                 "1-8 digits or a UUID), e.g. oar-1 or m-1042; names, logins and e-mail addresses are refused")
    elif role not in ROLES:
        error = "invalid role: oar, auditor or person"
    if error:
        return render(request, "sign_in.html", 422, local=api.local_issuer is not None, next=target, error=error,
                      subject=subject, role=role, roles=ROLES, oidc=request.app.state.oidc_client is not None)  # fmt: skip
    settings = api.settings
    groups = {"oar": [settings.oar_claim_value], "auditor": [settings.auditor_claim_value]}.get(role, [])
    hours = settings.web_session_hours
    token = api.local_issuer.issue(subject, groups, timedelta(hours=hours), system_clock())
    response = RedirectResponse(target, status_code=303)
    start_session(request, response, token, hours * 3600)
    return response


async def sign_out(request: Request) -> Response:
    await checked_form(request)
    response = RedirectResponse("/ui/sign-in", status_code=303)
    end_session(request, response)
    return response
