"""The policy packs as they stood on a date (the API's ``oar-ledger policy show``): the
version then in force, each command's clause and rules with their clauses, and the
compliance flags. The same plain data as the CLI and the README's rules catalogue
(``domain.policy.catalogue.describe``)."""

from __future__ import annotations

from functools import partial
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from domain.policy.catalogue import describe
from domain.policy.registry import installed_packs, policy_pack
from domain.values import PackName
from entrypoints.api.auth import Caller
from entrypoints.api.context import context
from entrypoints.api.pagination import Cursor, Limit, slice_page
from entrypoints.api.responses import json_response

On = Annotated[date | None, Query(description="The date, YYYY-MM-DD (default: today, ledger time)")]


def add_policy_routes(router: APIRouter) -> None:
    add = partial(router.add_api_route, tags=["policy"], methods=["GET"])
    add("/policy/packs", list_packs,
        summary="Every installed pack, in the version in force on a date")  # fmt: skip
    add("/policy/packs/{pack}", show_pack,
        summary="One pack's rules and flags, in the version in force on a date")  # fmt: skip


def _day(request: Request, on: date | None) -> date:
    return on or context(request).ledger.app.clock().date()


def list_packs(request: Request, principal: Caller, on: On = None, cursor: Cursor = None, limit: Limit = 100) -> Response:
    """Each pack in the version in force on ``on``: commands with their clause and rules
    (each with its clause, in the order checked), and compliance flags with their settings."""
    day = _day(request, on)
    packs = [_described(name, day) for name in installed_packs()]
    return json_response({"on": day} | slice_page(request, packs, cursor, limit))


def show_pack(request: Request, principal: Caller, pack: Annotated[PackName, Path()], on: On = None) -> Response:
    """The pack ``pack`` in the version in force on ``on``."""
    day = _day(request, on)
    return json_response({"on": day} | _described(pack.value, day))


def _described(name: str, day: date) -> dict[str, Any]:
    return describe(policy_pack(name, day))
