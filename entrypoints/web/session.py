"""The pages' session and CSRF protection.

Session: the cookie ``oar_session`` holds a bearer token (the local issuer's in the
embedded default), verified on every request by the API's own verifier path
(``principal_for_token``). ``HttpOnly``, ``SameSite=Lax``, ``Secure`` over https.

CSRF: signed double submit. The cookie ``oar_csrf`` holds a random value; every form
carries that value signed with the pages' secret (itsdangerous, time-limited). A POST
whose form token is missing, forged, expired or not the cookie's is refused (403)
before anything runs.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from entrypoints.api.auth import principal_for_token
from infra.auth.errors import InvalidToken
from service.access import Principal

SESSION_COOKIE = "oar_session"
CSRF_COOKIE = "oar_csrf"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = 12 * 3600


class SignInRequired(Exception):
    """No valid session: the page redirects to the sign-in form."""


class CsrfRefused(Exception):
    """A form came without a valid CSRF token: 403, nothing written."""


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


_UNSEEN = object()


def principal_or_none(request: Request) -> Principal | None:
    """The signed-in person, or None (no, expired or invalid session); read once a request."""
    if getattr(request.state, "web_principal", _UNSEEN) is _UNSEEN:
        token = request.cookies.get(SESSION_COOKIE)
        principal = None
        if token:
            try:
                principal = principal_for_token(request, token)
            except InvalidToken:  # expired or otherwise invalid: signed out
                principal = None
        request.state.web_principal = principal
    return request.state.web_principal


def signed_in(request: Request) -> Principal:
    principal = principal_or_none(request)
    if principal is None:
        raise SignInRequired()
    return principal


def start_session(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=_secure(request), path="/")  # fmt: skip


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request), path="/")


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.web_secret, salt="oar-ledger-csrf")


def csrf_for(request: Request) -> tuple[str, Callable[[Response], None] | None]:
    """The token for this page's forms, and a setter of the CSRF cookie if it is new."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    setter = None
    if not value:
        value = secrets.token_urlsafe(32)
        request.state.new_csrf = value

        def setter(response: Response) -> None:
            response.set_cookie(CSRF_COOKIE, value, httponly=True, samesite="lax", secure=_secure(request), path="/")

    return _serializer(request).dumps(value), setter


async def checked_form(request: Request) -> dict[str, str]:
    """The POSTed form, once its CSRF token is checked against the cookie."""
    form = await request.form()
    given, cookie = form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE)
    if not isinstance(given, str) or not cookie:
        raise CsrfRefused("the form has no CSRF token (or the browser sent no CSRF cookie)")
    try:
        signed = _serializer(request).loads(given, max_age=CSRF_MAX_AGE)
    except BadSignature:
        raise CsrfRefused("the form's CSRF token is invalid or expired: reload the page") from None
    if not isinstance(signed, str) or not hmac.compare_digest(signed, cookie):
        raise CsrfRefused("the form's CSRF token is not this browser's")
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
