"""Every command the CLI has, as a resource-oriented write. One row per command."""

from __future__ import annotations

from functools import partial
from fastapi import APIRouter

from domain import commands as c
from entrypoints.api.write_route import WriteRoute
from entrypoints.api.writes import Write, write_endpoint

G = "/groups/{group}"
E = G + "/events/{gathering}"
S = E + "/sponsorships/{sponsorship}"

WRITES = (
    Write("POST", "/groups", c.RequestGroup, "Request a group (§15, §16)", creates="/groups/{group}"),
    Write("POST", G + "/approval", c.ApproveGroup, "OAR approves a requested group (§7, §11, §16)"),
    Write("POST", G + "/rejection", c.RejectGroup, "OAR rejects a requested group (§11, §16)"),
    Write("POST", G + "/termination-request", c.RequestTermination, "Managers ask the OAR to terminate (§32)"),
    Write("POST", G + "/termination", c.TerminateGroup, "OAR terminates the group (§14, §32)"),
    Write("POST", G + "/deactivation", c.DeactivateGroup, "OAR deactivates the group (§19)"),
    Write("POST", G + "/reactivation", c.ReactivateGroup, "OAR reactivates the group (§7, §19)"),
    Write("POST", G + "/social-media-reports", c.ReportSocialMediaSpace, "Report an external social-media space (§6)"),
    Write("POST", G + "/managers", c.AppointManager, "Appoint a manager (§7)"),
    Write("POST", G + "/managers/{manager}/removal", c.RemoveManager, "Remove a manager (§7)"),
    Write("POST", G + "/members", c.JoinGroup, "Join a public group yourself (§8)"),
    Write("DELETE", G + "/members/me", c.LeaveGroup, "Leave a group yourself"),
    Write("POST", G + "/membership-requests", c.RequestMembership, "Ask to join a private group yourself (§9)"),
    Write("POST", G + "/membership-requests/{member}/approval", c.ApproveMembership, "A manager approves (§9, §19)"),
    Write("POST", G + "/membership-requests/{member}/rejection", c.RejectMembership,
          "A manager rejects (§9, §19): refused, recorded, or held for the OAR's review"),
    Write("POST", G + "/held-rejections/{member}/upholding", c.UpholdRejection,
          "OAR upholds a rejection held for review, with its own reason (§9)"),
    Write("POST", G + "/held-rejections/{member}/overturning", c.OverturnRejection,
          "OAR overturns a rejection held for review: the managers decide again (§9)"),
    Write("POST", G + "/activity-plans", c.ShareActivityPlan, "LSE: the committee shares its annual activity plan"),
    Write("POST", G + "/alumni-data-reports", c.ReportAlumniData, "LSE: report an own alumni database or mailing list"),
    Write("POST", G + "/events", c.ProposeGathering, "Propose a group event (§20, §21, §24)",
          creates="/groups/{group}/events/{gathering}"),
    Write("POST", E + "/approval", c.ApproveGathering, "OAR approves the event (§20, §21)"),
    Write("POST", E + "/rejection", c.RejectGathering, "OAR rejects the event (§20, §21)"),
    Write("POST", E + "/listing", c.ListGathering, "Record the event's listing date (Annex 1)"),
    Write("POST", E + "/speakers", c.ProposeSpeaker, "Propose a guest speaker (§22)"),
    Write("POST", E + "/speakers/{speaker}/approval", c.ApproveSpeaker, "OAR approves the speaker (§22)"),
    Write("POST", E + "/speakers/{speaker}/rejection", c.RejectSpeaker, "OAR rejects the speaker (§22)"),
    Write("POST", E + "/participants", c.RegisterParticipant, "Register a member for the event (§19)"),
    Write("POST", E + "/attendance", c.RecordAttendance, "Record attendance (§19, §30, Annex 1)"),
    Write("POST", E + "/sponsorships", c.RequestSponsorship, "Request a sponsorship (§25, §26)",
          creates="/groups/{group}/events/{gathering}/sponsorships/{sponsorship}"),
    Write("POST", S + "/approval", c.ApproveSponsorship, "OAR consents to the sponsorship (§25, §26)"),
    Write("POST", S + "/rejection", c.RejectSponsorship, "OAR refuses the sponsorship (§25, §26)"),
)  # fmt: skip

RESPONSES = {
    401: {"description": "No, expired or invalid token"}, 403: {"description": "Not allowed (rule and clause)"},
    404: {"description": "No such group"}, 409: {"description": "Conflict"}, 412: {"description": "Stale If-Match"},
    422: {"description": "Invalid input (field) or refused by a rule (rule and clause)"},
}  # fmt: skip


def add_command_routes(router: APIRouter) -> None:
    add = partial(router.add_api_route, tags=["commands"], responses=RESPONSES, route_class_override=WriteRoute)
    for write in WRITES:
        status = 201 if write.creates else 200
        add(write.path, write_endpoint(write), methods=[write.method], summary=write.summary,
            status_code=status, name=write.command.__name__)  # fmt: skip
