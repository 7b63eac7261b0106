"""Pending decisions: the OAR's queue (groups, group events, speakers, sponsorships, §9
rejections held for review, oldest first, days waited against the pack's limit) and the membership requests a
manager moderates (their own groups only). Decisions are the API's commands, run by
the same service call with the signed-in person as the actor."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from domain import commands as c
from entrypoints.api.context import context
from entrypoints.api.problems import ApiProblem
from entrypoints.web.errors import page
from entrypoints.web.session import checked_form, signed_in
from entrypoints.web.templating import render
from service.access import actor_for
from service.compliance import working_calendar
from service.pending import OAR_KINDS, oldest_first, pending_in

COMMANDS = {
    ("group", "approve"): c.ApproveGroup, ("group", "reject"): c.RejectGroup,
    ("event", "approve"): c.ApproveGathering, ("event", "reject"): c.RejectGathering,
    ("speaker", "approve"): c.ApproveSpeaker, ("speaker", "reject"): c.RejectSpeaker,
    ("sponsorship", "approve"): c.ApproveSponsorship, ("sponsorship", "reject"): c.RejectSponsorship,
    ("membership", "approve"): c.ApproveMembership, ("membership", "reject"): c.RejectMembership,
    ("held-rejection", "uphold"): c.UpholdRejection, ("held-rejection", "overturn"): c.OverturnRejection,
}  # fmt: skip
FIELDS = ("group", "gathering", "speaker", "sponsorship", "member", "criterion", "reason")


def decisions_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route("/", page(decisions), methods=["GET"])
    router.add_api_route("/decisions", page(decisions), methods=["GET"])
    router.add_api_route("/decisions", page(decide), methods=["POST"])
    return router


def decisions(request: Request, done: str | None = None) -> Response:
    principal = signed_in(request)
    api = context(request)
    app, now = api.ledger.app, api.ledger.app.clock()
    calendar = working_calendar(api.settings)
    oar_items, requests = [], []
    for slug in app.group_slugs():
        items = pending_in(app.group_events(slug), now, api.settings.pending_request_days, calendar)
        oar_items += [i for i in items if i.kind in OAR_KINDS]
        memberships = [i for i in items if i.kind == "membership"]
        if memberships and (principal.sees_everything or principal.subject in app.group(slug).managers):
            requests += [(i, principal.subject in app.group(slug).managers) for i in memberships]
    return render(request, "decisions.html", now=now, done=done[:300] if done else None,
                  oar_items=oldest_first(oar_items) if principal.sees_everything else [],
                  requests=sorted(requests, key=lambda pair: pair[0].since))  # fmt: skip


async def decide(request: Request) -> Response:
    form = await checked_form(request)
    principal = signed_in(request)
    command_type = COMMANDS.get((form.get("kind", ""), form.get("decision", "")))
    if command_type is None:
        raise ApiProblem(422, "validation", "Invalid input", "invalid kind or decision: not a decision this page takes",
                         field="decision")  # fmt: skip
    fields = {name: form[name] for name in FIELDS if name in command_type.model_fields and form.get(name)}
    command = command_type.model_validate(fields | {"actor": actor_for(principal, command_type)})
    receipt = await run_in_threadpool(context(request).ledger.app.execute, command)
    message = f"recorded {', '.join(receipt.events)} for group {receipt.group} (version {receipt.versions[-1]})"
    if any(name.startswith("MembershipRejectionHeld") for name in receipt.events):
        message += ": the rejection is held for the OAR's review (§9)"
    return RedirectResponse(f"/ui/decisions?{urlencode({'done': message})}", status_code=303)
