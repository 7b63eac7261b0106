"""A second institution's pack: LSE's *Advice for Alumni Volunteers* (alumni groups guidance,
LSE Alumni Engagement Team; cited in ``domain.policy.sources``).

It exists to show that the policy layer is not hard-wired to CERN: an LSE group is
governed by these rules, recorded with these citations, and flagged by these checks.
The LSE text has no numbered clauses, so citations name its sections by their titles
(``lse_rules``): the annual activity plan, no own alumni databases or mailing lists,
answers within 3 working days, social-media disclaimers.
"""

from __future__ import annotations

from domain import commands as c
from domain.compliance import ComplianceCheck
from domain.policy.authority import ActorIsMember, ActorManagesGroup, NoConflictOfInterest, RequiresRole
from domain.policy.base import Governs, PolicyPack
from domain.policy.cern_groups import NotAlreadyMemberOrPending
from domain.policy.lifecycle import GatheringIn, GroupIn, GroupNotTerminated
from domain.policy.lse_rules import (
    DATA,
    GROUPS,
    PLAN,
    REQUESTS,
    SOCIAL,
    AnnualActivityPlanShared,
    NoOwnAlumniData,
    PlanForThisOrNextYear,
    RequestsAnsweredInWorkingDays,
    SocialMediaNeedsDisclaimer,
    lse,
)
from domain.policy.sources import LSE_ALUMNI_VOLUNTEER_ADVICE
from domain.values import GatheringStatus, GroupStatus, Role

__all__ = ["DECISIONS", "LSE_FLAGS", "PACK", "lse"]

engagement_team = RequiresRole("engagement-team-decides", GROUPS, Role.OAR_OFFICER)
members_request = RequiresRole("members-request-groups", GROUPS, Role.MEMBER, Role.GROUP_MANAGER)
group_managers = ActorManagesGroup("organising-committee-acts", REQUESTS)
committee_plans = ActorManagesGroup("organising-committee-plans", PLAN)
open_group = GroupNotTerminated(GROUPS)
awaiting = GroupIn("group-awaits-decision", GROUPS, GroupStatus.REQUESTED)
active = GroupIn("group-is-active", GROUPS, GroupStatus.ACTIVE)
member_acts = ActorIsMember(GROUPS)
request_open = GatheringIn("request-awaits-engagement-team", REQUESTS, GatheringStatus.PROPOSED)
anyone = RequiresRole("registered-actors-report", SOCIAL, *Role)
anyone_reports_data = RequiresRole("registered-actors-report-data", DATA, *Role)

DECISIONS = {
    c.RequestGroup: Governs(GROUPS, (members_request,)),
    c.ApproveGroup: Governs(GROUPS, (engagement_team, NoConflictOfInterest(), open_group, awaiting)),
    c.RejectGroup: Governs(GROUPS, (engagement_team, NoConflictOfInterest(), open_group, awaiting)),
    c.JoinGroup: Governs(GROUPS, (member_acts, open_group, active, NotAlreadyMemberOrPending(GROUPS))),
    c.ProposeGathering: Governs(REQUESTS, (group_managers, open_group, active)),
    c.ApproveGathering: Governs(REQUESTS, (engagement_team, NoConflictOfInterest(), open_group, request_open)),
    c.RejectGathering: Governs(REQUESTS, (engagement_team, NoConflictOfInterest(), open_group, request_open)),
    c.ReportSocialMediaSpace: Governs(SOCIAL, (anyone, open_group)),
    c.ShareActivityPlan: Governs(PLAN, (committee_plans, open_group, active, PlanForThisOrNextYear())),
    c.ReportAlumniData: Governs(DATA, (anyone_reports_data, open_group)),
    c.TerminateGroup: Governs(GROUPS, (engagement_team, NoConflictOfInterest(), open_group)),
}  # fmt: skip

LSE_FLAGS: tuple[ComplianceCheck, ...] = (
    SocialMediaNeedsDisclaimer(),
    RequestsAnsweredInWorkingDays(REQUESTS, days=3),  # "aims to respond ... within 3 working days"
    AnnualActivityPlanShared(),
    NoOwnAlumniData(),
)

PACK = PolicyPack(
    name="lse",
    title="LSE alumni group guidelines",
    source=LSE_ALUMNI_VOLUNTEER_ADVICE,
    decisions=DECISIONS,
    flags=LSE_FLAGS,
    version="1",
    amendment="The guidelines as published (undated).",
)
