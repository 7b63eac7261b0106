"""Errors on the pages, in one place: no session → the sign-in form; a missing CSRF
token → 403; every other expected error through the API's own translation
(``problem_for``: field, or rule and clause) as an HTML page with the same status."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from entrypoints.api.problems import audit_denial, problem_for
from entrypoints.web.session import CsrfRefused, SignInRequired
from entrypoints.web.templating import render
from service.access import AccessDenied


def page(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a page handler (sync handlers run in the thread pool) with the pages' errors."""
    is_async = inspect.iscoroutinefunction(handler)

    async def endpoint(**kwargs: Any) -> Response:
        request: Request = kwargs["request"]
        try:
            if is_async:
                return await handler(**kwargs)
            return await run_in_threadpool(handler, **kwargs)
        except Exception as error:  # noqa: BLE001 - translated below, or re-raised
            return error_page(request, error)

    # FastAPI reads the handler's parameters from this signature (no __wrapped__ on purpose:
    # FastAPI would unwrap it and call the async endpoint as a sync one).
    endpoint.__signature__ = inspect.signature(handler, eval_str=True)  # type: ignore[attr-defined]
    endpoint.__name__, endpoint.__doc__ = handler.__name__, handler.__doc__
    return endpoint


def error_page(request: Request, error: Exception) -> Response:
    if isinstance(error, SignInRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/ui/sign-in?next={quote(target, safe='')}", status_code=303)
    if isinstance(error, CsrfRefused):
        return render(request, "error.html", 403, title="Form refused", detail=str(error), rule=None, clause=None)
    problem = problem_for(error)
    if problem is None:
        raise error
    if isinstance(error, AccessDenied):
        audit_denial(request, error)
    return render(request, "error.html", problem.status, title=problem.title, detail=problem.detail,
                  rule=problem.extra.get("rule"), clause=problem.extra.get("clause"))  # fmt: skip
