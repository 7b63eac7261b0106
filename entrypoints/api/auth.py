"""Authentication for every route: ``current_principal`` verifies the bearer token (one
code path for OIDC and local tokens) and maps its claims to a principal. Web pages use
the same dependency."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from entrypoints.api.context import context
from infra.auth.errors import InvalidToken
from domain.fields import ID_PATTERN
from service.access import Principal, principal_from_claims

bearer = HTTPBearer(auto_error=False, description="A token of the configured OIDC issuer or the local issuer")
SUBJECT = re.compile(rf"^{ID_PATTERN.pattern}$")  # the ledger's opaque person ids (domain/fields.py)


def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None:
        raise InvalidToken("no bearer token")
    return principal_for_token(request, credentials.credentials)


def principal_for_token(request: Request, token: str) -> Principal:
    """Verify ``token`` (a bearer token, or the web pages' session cookie) and map its claims."""
    api = context(request)
    claims = api.verifier.verify(token)
    if not isinstance(claims.get("sub"), str) or not SUBJECT.match(claims["sub"]):
        raise InvalidToken("the token's subject is not an opaque person id")
    principal = principal_from_claims(claims, api.mapping, api.verifier.method)
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(current_principal)]
