"""Production sign-in to the pages: the OpenID Connect authorization-code flow with PKCE.

``/ui/oidc/login`` sends the browser to the issuer with a state, a nonce and an S256 code
challenge, kept in a signed, short-lived, HttpOnly cookie; ``/ui/oidc/callback`` checks
the state, exchanges the code with its verifier, checks the ID token with the API's own
verifier (issuer, audience = the client id, signature, expiry) and its nonce, and keeps
it as the session cookie."""

from __future__ import annotations

import hmac
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from entrypoints.api.context import context
from entrypoints.web.errors import page
from entrypoints.web.routes_signin import safe_next
from entrypoints.web.session import start_session
from infra.auth.errors import InvalidToken
from infra.auth.oidc_client import Pending

FLOW_COOKIE = "oar_oidc"
FLOW_SECONDS = 600
Param = Annotated[str | None, Query(max_length=2048)]


def oidc_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/oidc/login", page(login), methods=["GET"])
    router.add_api_route("/oidc/callback", page(callback), methods=["GET"], name="oidc_callback")
    return router


def _client(request: Request):
    client = request.app.state.oidc_client
    if client is None:
        raise InvalidToken("no OIDC issuer is configured: use the development sign-in")
    return client


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.web_secret, salt="oar-ledger-oidc-flow")


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


async def login(request: Request, next: Param = None) -> Response:
    client = _client(request)
    url, pending = await run_in_threadpool(client.begin, _redirect_uri(request))
    response = RedirectResponse(url, status_code=303)
    flow = _serializer(request).dumps({"state": pending.state, "nonce": pending.nonce, "verifier": pending.verifier,
                                       "next": safe_next(next)})  # fmt: skip
    response.set_cookie(FLOW_COOKIE, flow, max_age=FLOW_SECONDS, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/ui/oidc")  # fmt: skip
    return response


async def callback(request: Request, code: Param = None, state: Param = None, error: Param = None) -> Response:
    client = _client(request)
    try:
        flow = _serializer(request).loads(request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_SECONDS)
    except BadSignature:
        raise InvalidToken("the sign-in took too long or did not start here: sign in again") from None
    if error:
        raise InvalidToken(f"the issuer did not sign you in ({error[:100]})")
    if not code or not state or not hmac.compare_digest(state, flow["state"]):
        raise InvalidToken("the sign-in's state does not match: sign in again")
    pending = Pending(flow["state"], flow["nonce"], flow["verifier"])
    token = await run_in_threadpool(client.finish, code, _redirect_uri(request), pending)
    claims = await run_in_threadpool(context(request).verifier.verify, token)
    if not hmac.compare_digest(str(claims.get("nonce", "")), pending.nonce):
        raise InvalidToken("the ID token's nonce is not this sign-in's")
    response = RedirectResponse(flow["next"], status_code=303)
    start_session(request, response, token, max(60, int(claims["exp"] - time.time())))
    response.delete_cookie(FLOW_COOKIE, path="/ui/oidc")
    return response
