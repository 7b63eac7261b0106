"""Which aggregate operation carries out each command: the one table ``execute`` reads.

Adding a command means one line here (and the command, event, rule and fold in
``domain/``); there is no per-command application method.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain import commands as c
from domain.aggregates.group import Group

Operation = Callable[[Group, Any, datetime], None]

OPERATIONS: dict[type[c.GroupCommand], Operation] = {
    c.ApproveGroup: Group.approve,
    c.RejectGroup: Group.reject,
    c.AppointManager: Group.appoint_manager,
    c.RemoveManager: Group.remove_manager,
    c.JoinGroup: Group.join,
    c.RequestMembership: Group.request_membership,
    c.ApproveMembership: Group.approve_membership,
    c.RejectMembership: Group.reject_membership,
    c.UpholdRejection: Group.uphold_rejection,
    c.OverturnRejection: Group.overturn_rejection,
    c.ShareActivityPlan: Group.share_activity_plan,
    c.ReportAlumniData: Group.report_alumni_data,
    c.LeaveGroup: Group.leave,
    c.RequestTermination: Group.request_termination,
    c.TerminateGroup: Group.terminate,
    c.DeactivateGroup: Group.deactivate,
    c.ReactivateGroup: Group.reactivate,
    c.ReportSocialMediaSpace: Group.report_social_media,
    c.ProposeGathering: Group.propose_gathering,
    c.ApproveGathering: Group.approve_gathering,
    c.RejectGathering: Group.reject_gathering,
    c.ListGathering: Group.list_gathering,
    c.ProposeSpeaker: Group.propose_speaker,
    c.ApproveSpeaker: Group.approve_speaker,
    c.RejectSpeaker: Group.reject_speaker,
    c.RegisterParticipant: Group.register_participant,
    c.RecordAttendance: Group.record_attendance,
    c.RequestSponsorship: Group.request_sponsorship,
    c.ApproveSponsorship: Group.approve_sponsorship,
    c.RejectSponsorship: Group.reject_sponsorship,
}
