"""The one place where errors become HTTP responses: RFC 9457 problem details naming the
field, or the rule and its clause. Unexpected errors become a bare 500 (logged with the
request id, never a stack trace in the response). Denied attempts are audited here."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from domain.errors import AlreadyRecorded, NotAuthorized, NotFound, RuleViolation
from domain.policy.base import OAR_GOVERNANCE
from infra.auth.errors import InvalidToken, KeysUnavailable
from infra.evidence.errors import EvidenceError, NotCovered, TamperError
from infra.store.idempotency import KeyInProgress, KeyReused
from service.access import AccessDenied
from service.errors import ConflictError, StaleVersion

log = logging.getLogger("oar.api")
PROBLEM_JSON = "application/problem+json"


class ApiProblem(Exception):
    """A problem the API reports as it is (e.g. a malformed header)."""

    def __init__(self, status: int, kind: str, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail, self.extra = status, kind, title, detail, extra


def _fields(errors: list[dict[str, Any]], skip: tuple[str, ...] = ()) -> list[dict[str, str]]:
    out = []
    for problem in errors:
        parts = [str(p) for p in problem["loc"] if str(p) not in skip]
        out.append({"field": ".".join(parts) or "body", "message": str(problem["msg"])[:300]})
    return out


def _invalid(fields: list[dict[str, str]]) -> ApiProblem:
    detail = "; ".join(f"invalid {f['field']}: {f['message']}" for f in fields)
    return ApiProblem(422, "validation", "Invalid input", detail[:2000], errors=fields)


def problem_for(error: Exception) -> ApiProblem | None:
    """Translate an expected error; None for a bug."""
    if isinstance(error, ApiProblem):
        return error
    if isinstance(error, RequestValidationError):
        return _invalid(_fields(list(error.errors()), skip=("body", "path", "query", "header")))
    if isinstance(error, ValidationError):
        return _invalid(_fields(error.errors(include_url=False)))
    if isinstance(error, InvalidToken):
        return ApiProblem(401, "unauthenticated", "Authentication required", error.reason)
    if isinstance(error, AccessDenied):
        return ApiProblem(403, "forbidden", "Forbidden", error.message, rule=error.rule, clause=OAR_GOVERNANCE)
    if isinstance(error, NotAuthorized):
        return ApiProblem(403, "forbidden", "Forbidden", error.message, rule=error.rule, clause=error.clause)
    if isinstance(error, RuleViolation):
        return ApiProblem(422, "rule-violation", "Refused by a rule", error.message, rule=error.rule,
                          clause=error.clause)  # fmt: skip
    if isinstance(error, NotFound):
        return ApiProblem(404, "not-found", "Not found", str(error))
    if isinstance(error, StaleVersion):
        return ApiProblem(412, "stale-version", "Precondition failed", str(error), current_version=error.current)
    if isinstance(error, (AlreadyRecorded, ConflictError)):
        return ApiProblem(409, "conflict", "Conflict", str(error))
    if isinstance(error, KeyReused):
        return ApiProblem(422, "idempotency-key-reused", "Idempotency-Key reused",
                          "this Idempotency-Key was used for a different request", field="Idempotency-Key")  # fmt: skip
    if isinstance(error, KeyInProgress):
        return ApiProblem(409, "idempotency-key-in-progress", "Conflict",
                          "the first request with this Idempotency-Key is still running; retry later")  # fmt: skip
    if isinstance(error, KeysUnavailable):
        return ApiProblem(503, "keys-unavailable", "Service unavailable", "the token issuer's keys are unavailable")
    if isinstance(error, NotCovered):
        return ApiProblem(404, "not-covered", "Not covered by a checkpoint", str(error))
    if isinstance(error, TamperError):
        return ApiProblem(409, "integrity", "Integrity problem", str(error))
    if isinstance(error, EvidenceError):
        return ApiProblem(422, "evidence", "Evidence problem", str(error))
    if isinstance(error, HTTPException):
        return ApiProblem(error.status_code, "http", str(error.detail), str(error.detail))
    return None


def render(problem: ApiProblem, request: Request) -> Response:
    body = {"type": f"urn:oar-ledger:problem:{problem.kind}", "title": problem.title, "status": problem.status,
            "detail": problem.detail, "instance": request.url.path[:300]} | problem.extra  # fmt: skip
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if problem.status == 401 else {}
    return Response(orjson.dumps(body), status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)


def respond(error: Exception, request: Request) -> Response:
    """The response for ``error``; denied attempts (401, 403 before the ledger) are audited."""
    problem = problem_for(error)
    if problem is None:
        log.error("request %s failed", getattr(request.state, "request_id", "-"), exc_info=error)
        problem = ApiProblem(500, "internal", "Internal error", "the request failed; it was logged")
    if isinstance(error, (InvalidToken, AccessDenied)):
        audit_denial(request, error)
    return render(problem, request)


def audit_denial(request: Request, error: Exception) -> None:
    principal = getattr(request.state, "principal", None)
    route = getattr(request.scope.get("route"), "path", request.url.path)
    rule = error.rule if isinstance(error, AccessDenied) else "valid-token-required"
    message = error.message if isinstance(error, AccessDenied) else str(error)
    request.app.state.context.denials.record(
        principal.subject if principal else None, f"{request.method} {route}",
        request.path_params.get("group"), rule, message,
    )  # fmt: skip


EXPECTED = (ApiProblem, RequestValidationError, ValidationError, InvalidToken, AccessDenied, RuleViolation,
            NotFound, StaleVersion, AlreadyRecorded, ConflictError, KeyReused, KeyInProgress, KeysUnavailable,
            EvidenceError, HTTPException)  # fmt: skip


def install(app: FastAPI) -> None:
    # Expected errors are answered by the exception middleware; anything else (a bug)
    # reaches the outermost handler: a bare 500, the traceback only in the server log.
    for kind in (*EXPECTED, Exception):
        app.add_exception_handler(kind, lambda request, error: respond(error, request))
