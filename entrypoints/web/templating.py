"""The pages' Jinja2 environment (autoescape on for every template: everything a person
typed is escaped) and ``render``, which also hands out the CSRF token of each form."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from entrypoints.web.session import csrf_for, principal_or_none

HERE = Path(__file__).parent


def when(moment: datetime | date | None) -> Markup:
    """A ``<time>``: UTC as text and in the title (the pages' script shows local time)."""
    if moment is None:
        return Markup("")
    if not isinstance(moment, datetime):
        return Markup('<time datetime="{0}">{0}</time>').format(moment.isoformat())
    utc = moment.astimezone(UTC)
    return Markup('<time datetime="{0}" title="{1} UTC" data-local>{1} UTC</time>').format(
        utc.isoformat(), utc.strftime("%Y-%m-%d %H:%M"))  # fmt: skip


def plain(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(str(plain(v)) for v in value)) or "—"
    return "—" if value is None or value == "" else str(value)


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    env.filters.update(when=when, plain=plain, escape=escape)
    return env


def render(request: Request, template: str, status_code: int = 200, /, **values: Any) -> HTMLResponse:
    token, cookie = csrf_for(request)
    values.setdefault("principal", principal_or_none(request))
    html = environment().get_template(template).render(request=request, csrf_token=token, **values)
    response = HTMLResponse(html, status_code=status_code)
    if cookie is not None:
        cookie(response)
    return response
