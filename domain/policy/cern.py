"""The CERN pack: *Guidelines for CERN Alumni Group Managers* (CERN Office of Alumni
Relations, last updated 6 March 2025; cited in ``domain.policy.sources``).

Each command lists the clause recorded on its event and the rules checked, in order (role
first, then state, then substance).
"""

from __future__ import annotations

from datetime import date

from domain import commands as c
from domain.compliance import CERN_FLAGS
from domain.policy import cern_diversity as dv
from domain.policy import cern_events as ev
from domain.policy import cern_groups as gr
from domain.policy import cern_sponsorship as sp
from domain.policy.authority import ActorIsMember, ActorManagesGroup, NoConflictOfInterest, RequiresRole
from domain.policy.base import Governs, PolicyPack, cern
from domain.policy.sources import CERN_GROUP_MANAGER_GUIDELINES
from domain.policy.lifecycle import (
    AfterGatheringStarts,
    BeforeGatheringStarts,
    GatheringIn,
    GroupIn,
    GroupNotTerminated,
    SponsorshipPending,
)
from domain.values import GatheringStatus as GS
from domain.values import GroupStatus as S
from domain.values import Role

OAR, MANAGER, MEMBER = Role.OAR_OFFICER, Role.GROUP_MANAGER, Role.MEMBER

# Named rule instances: the name is what a refusal reports.
only_oar_decides_groups = RequiresRole("only-oar-decides-group-creation", cern("§11, §16"), OAR)
only_oar_terminates = RequiresRole("only-oar-terminates", cern("§14, §32"), OAR)
only_oar_deactivates = RequiresRole("only-oar-deactivates", cern("§19"), OAR)
only_oar_reviews_rejections = RequiresRole("only-oar-reviews-held-rejections", cern("§9"), OAR)
only_oar_approves_events = RequiresRole("only-oar-approves-events", cern("§20"), OAR)
only_oar_approves_speakers = RequiresRole("only-oar-approves-speakers", cern("§22"), OAR)
only_oar_consents_to_sponsors = RequiresRole("only-oar-consents-to-sponsors", cern("§25"), OAR)
alumni_or_oar_request_groups = RequiresRole(
    "members-request-groups", cern("§15, §16"), MEMBER, MANAGER, OAR
)
anyone_reports = RequiresRole("registered-actors-report", cern("§6"), OAR, MANAGER, MEMBER)
managers_moderate = ActorManagesGroup("only-managers-moderate", cern("§19"))
managers_run_events = ActorManagesGroup("managers-run-events", cern("§19, §20, §30"))
managers_request_termination = ActorManagesGroup("managers-request-termination", cern("§32"))
managers_or_oar_appoint = ActorManagesGroup("managers-or-oar-appoint", cern("§7, §11"), oar_may=True)
member_acts = ActorIsMember(cern("§8, §9"))
not_own_group = NoConflictOfInterest()  # an OAR governance rule, not a clause

open_group = GroupNotTerminated(cern("§14, §32"))
awaiting_decision = GroupIn("group-awaits-oar-decision", cern("§16"), S.REQUESTED)
active = GroupIn("group-is-active", cern("§11, §16"), S.ACTIVE)
forming_or_active = GroupIn("group-is-forming-or-active", cern("§7"), S.REQUESTED, S.ACTIVE)
deactivated = GroupIn("group-is-deactivated", cern("§19"), S.DEACTIVATED)
active_or_deactivated = GroupIn("group-not-closed", cern("§14, §32"), S.ACTIVE, S.DEACTIVATED, S.REQUESTED)
event_proposed = GatheringIn("event-awaits-oar-decision", cern("§20"), GS.PROPOSED)
event_approved = GatheringIn("event-approved-by-oar", cern("§20"), GS.APPROVED)
event_open = GatheringIn("event-approved-or-listed", cern("§20, §22"), GS.APPROVED, GS.LISTED)
event_not_decided_against = GatheringIn(
    "event-not-rejected", cern("§20, §22"), GS.PROPOSED, GS.APPROVED, GS.LISTED
)
speaker_beforehand = BeforeGatheringStarts("speaker-approved-beforehand", cern("§22"))
consent_beforehand = BeforeGatheringStarts("sponsor-consent-beforehand", cern("§25"))
after_event = AfterGatheringStarts(cern("§30, Annex 1"))
sponsorship_pending = SponsorshipPending(cern("§25"))


def _g(clause: str, *rules) -> Governs:
    return Governs(cern(clause), rules)


DECISIONS = {
    c.RequestGroup: _g("§15, §16", alumni_or_oar_request_groups, gr.ObjectivesDefined(),
                       dv.NoDiscriminatoryGrounds()),
    c.ApproveGroup: _g("§7, §11, §16", only_oar_decides_groups, not_own_group, open_group, awaiting_decision,
                       gr.EnoughManagersToActivate()),
    c.RejectGroup: _g("§11, §16", only_oar_decides_groups, not_own_group, open_group, awaiting_decision),
    c.AppointManager: _g("§7", managers_or_oar_appoint, open_group, forming_or_active,
                         gr.ManagerLimitOnAppointment()),
    c.RemoveManager: _g("§7", managers_or_oar_appoint, open_group, forming_or_active,
                        gr.ManagerLimitOnRemoval()),
    c.JoinGroup: _g("§7, §8", member_acts, open_group, active, gr.PublicGroupOnly(),
                    gr.NotAlreadyMemberOrPending()),
    c.RequestMembership: _g("§9", member_acts, open_group, active, gr.PrivateGroupOnly(),
                            gr.NotAlreadyMemberOrPending()),
    c.ApproveMembership: _g("§9, §19", managers_moderate, open_group, active,
                            gr.HasPendingRequest(), gr.CitesGroupCriterion(),
                            dv.NoDiscriminatoryGrounds()),
    c.RejectMembership: _g("§9, §19", managers_moderate, open_group, active,
                           gr.HasPendingRequest(), gr.CitesGroupCriterion(),
                           dv.NoDiscriminatoryGrounds(hold_uncertain=True)),  # last: it may hold
    c.UpholdRejection: _g("§9", only_oar_reviews_rejections, not_own_group, open_group, dv.HasHeldRejection()),
    c.OverturnRejection: _g("§9", only_oar_reviews_rejections, not_own_group, open_group, dv.HasHeldRejection()),
    c.LeaveGroup: _g("§7", member_acts, open_group, gr.IsMember()),
    c.RequestTermination: _g("§32", managers_request_termination, open_group,
                             gr.NoPendingTerminationRequest()),
    c.TerminateGroup: _g("§14, §32", only_oar_terminates, not_own_group, open_group, gr.TerminationGrounds()),
    c.DeactivateGroup: _g("§19", only_oar_deactivates, not_own_group, open_group, active, gr.DeactivationGrounds()),
    c.ReactivateGroup: _g("§7, §19", only_oar_deactivates, not_own_group, open_group, deactivated,
                          gr.EnoughManagersToActivate()),
    c.ReportSocialMediaSpace: _g("§6, Annex 2", anyone_reports, active_or_deactivated),
    c.ProposeGathering: _g("§20, §21, §24", managers_run_events, open_group, active,
                           ev.EventInFuture(), ev.EventIsRelevant(), ev.FeeAtCost()),
    c.ApproveGathering: _g("§20, §21", only_oar_approves_events, not_own_group, open_group, event_proposed),
    c.RejectGathering: _g("§20, §21", only_oar_approves_events, not_own_group, open_group, event_proposed),
    c.ListGathering: _g("§27, §31, Annex 1", managers_run_events, open_group, event_approved,
                        ev.ListingNotBackdated()),
    c.ProposeSpeaker: _g("§22", managers_run_events, open_group, event_not_decided_against,
                         speaker_beforehand, ev.SpeakerProposedOnce()),
    c.ApproveSpeaker: _g("§22", only_oar_approves_speakers, not_own_group, open_group, speaker_beforehand,
                         ev.SpeakerAwaitsDecision()),
    c.RejectSpeaker: _g("§22", only_oar_approves_speakers, not_own_group, open_group, ev.SpeakerAwaitsDecision()),
    c.RegisterParticipant: _g("§19", managers_run_events, open_group, event_open,
                              ev.ParticipantIsMember()),
    c.RecordAttendance: _g("§19, §30, Annex 1", managers_run_events, open_group, event_open,
                           after_event, ev.AttendanceOfRegistered()),
    c.RequestSponsorship: _g("§25, §26", managers_run_events, open_group, active,
                             sp.OneSponsorshipPerRef(), sp.SponsorshipForApprovedEvent(),
                             consent_beforehand, *sp.SCREENING),
    c.ApproveSponsorship: _g("§25, §26", only_oar_consents_to_sponsors, not_own_group, open_group,
                             sponsorship_pending, consent_beforehand, *sp.SCREENING),
    c.RejectSponsorship: _g("§25, §26", only_oar_consents_to_sponsors, not_own_group, open_group,
                            sponsorship_pending),
}  # fmt: skip

PACK = PolicyPack(
    name="cern",
    title="Guidelines for CERN Alumni Group Managers (6 March 2025)",
    source=CERN_GROUP_MANAGER_GUIDELINES,
    decisions=DECISIONS,
    flags=CERN_FLAGS,
    version="1",
    effective_from=date(2025, 3, 6),  # "last updated 6 March 2025"
    amendment="The guidelines as published (last updated 6 March 2025).",
)
