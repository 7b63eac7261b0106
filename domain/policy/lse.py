"""A second institution's pack: LSE alumni group guidelines (seeds/002_9337eb129852307b.txt).

It exists to show that the policy layer is not hard-wired to CERN: an LSE group is
governed by these rules, recorded with these citations, and flagged by these checks.
The LSE text has no numbered clauses, so citations name its sections.
"""

from __future__ import annotations

from domain import commands as c
from domain.compliance import ComplianceCheck, ExternalSocialMedia, RequestsAnsweredInTime
from domain.policy.authority import ActorIsMember, ActorManagesGroup, NoConflictOfInterest, RequiresRole
from domain.policy.base import Governs, PolicyPack
from domain.policy.cern_groups import NotAlreadyMemberOrPending
from domain.policy.lifecycle import GroupIn, GroupNotTerminated
from domain.values import GroupStatus, Role


def lse(section: str) -> str:
    return f"LSE-AG '{section}'"


class SocialMediaNeedsDisclaimer(ExternalSocialMedia):
    """LSE allows social-media pages, with its disclaimer: a report asks for a check."""

    name, clause = "social-media-disclaimer", lse("Social Media channels")


engagement_team = RequiresRole("engagement-team-decides", lse("Alumni groups"), Role.OAR_OFFICER)
members_request = RequiresRole("members-request-groups", lse("Alumni groups"), Role.MEMBER, Role.GROUP_MANAGER)
group_managers = ActorManagesGroup("organising-committee-acts", lse("Alumni Group Event and Communication Requests"))
open_group = GroupNotTerminated(lse("Alumni groups"))
awaiting = GroupIn("group-awaits-decision", lse("Alumni groups"), GroupStatus.REQUESTED)
active = GroupIn("group-is-active", lse("Alumni groups"), GroupStatus.ACTIVE)
member_acts = ActorIsMember(lse("Alumni groups"))
anyone = RequiresRole("registered-actors-report", lse("Social Media channels"), *Role)

DECISIONS = {
    c.RequestGroup: Governs(lse("Alumni groups"), (members_request,)),
    c.ApproveGroup: Governs(lse("Alumni groups"), (engagement_team, NoConflictOfInterest(), open_group, awaiting)),
    c.RejectGroup: Governs(lse("Alumni groups"), (engagement_team, NoConflictOfInterest(), open_group, awaiting)),
    c.JoinGroup: Governs(lse("Alumni groups"), (member_acts, open_group, active, NotAlreadyMemberOrPending(lse("Alumni groups")))),
    c.ProposeGathering: Governs(lse("Alumni Group Event and Communication Requests"), (group_managers, open_group, active)),
    c.ApproveGathering: Governs(lse("Alumni Group Event and Communication Requests"), (engagement_team, NoConflictOfInterest(), open_group)),
    c.ReportSocialMediaSpace: Governs(lse("Social Media channels"), (anyone, open_group)),
    c.TerminateGroup: Governs(lse("Alumni groups"), (engagement_team, NoConflictOfInterest(), open_group)),
}  # fmt: skip

LSE_FLAGS: tuple[ComplianceCheck, ...] = (
    SocialMediaNeedsDisclaimer(),
    # "the Alumni Engagement team aims to respond ... within 3 working days" (~5 days).
    RequestsAnsweredInTime(lse("Alumni Group Event and Communication Requests"), days=5),
)

PACK = PolicyPack(
    name="lse",
    title="LSE alumni group guidelines",
    source="seeds/002_9337eb129852307b.txt",
    decisions=DECISIONS,
    flags=LSE_FLAGS,
    version="1",
    amendment="The guidelines as published (undated).",
)
