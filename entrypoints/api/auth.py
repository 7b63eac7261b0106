"""Authentication for every route: ``current_principal`` verifies the bearer token (one
code path for OIDC and local tokens) and maps its claims to a principal. Web pages use
the same dependency."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from entrypoints.api.context import context
from infra.auth.errors import InvalidToken
from domain.fields import ID_PATTERN
from service.access import Principal, principal_from_claims

bearer = HTTPBearer(auto_error=False, description="A token of the configured OIDC issuer or the local issuer")
SUBJECT = re.compile(rf"^{ID_PATTERN.pattern}$")  # the ledger's opaque person ids (domain/fields.py)


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """Async so that a token verified moments ago costs no hop to a worker thread; a full
    check (which may fetch the issuer's keys) still runs in one."""
    if credentials is None:
        raise InvalidToken("no bearer token")
    verifier = context(request).verifier
    claims = verifier.remembered(credentials.credentials)
    if claims is None:
        claims = await run_in_threadpool(verifier.verify, credentials.credentials)
    return _principal(request, claims)


def principal_for_token(request: Request, token: str) -> Principal:
    """Verify ``token`` (a bearer token, or the web pages' session cookie) and map its claims."""
    return _principal(request, context(request).verifier.verify(token))


def _principal(request: Request, claims: dict) -> Principal:
    api = context(request)
    if not isinstance(claims.get("sub"), str) or not SUBJECT.match(claims["sub"]):
        raise InvalidToken("the token's subject is not an opaque person id")
    principal = principal_from_claims(claims, api.mapping, api.verifier.method)
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(current_principal)]
