"""The Group aggregate: the consistency boundary for everything about one group.

Its gatherings (group events) and their sponsorships live inside it, so that rules
spanning them (participants are members, a terminated group accepts nothing, one
pending request per member) are checked against one consistent state and protected
by one optimistic-concurrency version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import commands as c
from domain.aggregates.base import LedgerAggregate, applies, common_fields
from domain.aggregates.gatherings import Gatherings
from domain.aggregates.membership import Membership
from domain.held_rejection import HeldRejection
from domain.canonical import GENESIS_HASH
from domain.events import group as e
from domain.ids import group_id
from domain.policy.base import Situation
from domain.policy.registry import policy_pack
from domain.values import DeactivationGround, GroupStatus


class Group(Membership, Gatherings, LedgerAggregate):
    @classmethod
    def request(cls, command: c.RequestGroup, at: datetime) -> Group:
        """§15, §16: a group is requested; it is active only once the OAR approves it."""
        pack = policy_pack(command.policy_pack, at)
        clause = pack.enforce(Situation(command, at))
        return cls._create(
            e.GroupRequested,
            id=group_id(command.group),
            timestamp=at,
            previous_hash=GENESIS_HASH,
            **common_fields(command, clause, pack),  # policy_pack: the pack requested
            slug=command.group,
            **command.model_dump(include=_REQUEST_FIELDS - {"policy_pack"}),
        )

    def approve(self, command: c.ApproveGroup, at: datetime) -> None:
        self._record(e.GroupApproved, command, at, self._enforce(command, at))

    def reject(self, command: c.RejectGroup, at: datetime) -> None:
        self._record(e.GroupRejected, command, at, self._enforce(command, at))

    def appoint_manager(self, command: c.AppointManager, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.ManagerAppointed, command, at, clause, manager_id=command.manager)

    def remove_manager(self, command: c.RemoveManager, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.ManagerRemoved, command, at, clause, manager_id=command.manager)

    def request_termination(self, command: c.RequestTermination, at: datetime) -> None:
        self._record(e.TerminationRequested, command, at, self._enforce(command, at))

    def terminate(self, command: c.TerminateGroup, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.GroupTerminated, command, at, clause, initiative=command.initiative)

    def deactivate(self, command: c.DeactivateGroup, at: datetime) -> None:
        """§19; ``inactive_days`` is measured from the group's last activity in the ledger."""
        clause = self._enforce(command, at)
        if command.ground is DeactivationGround.OTHER:
            clause = f"{clause}, other ground {command.other_clause}"
        self._record(
            e.GroupDeactivated,
            command,
            at,
            clause,
            discussed_with_managers=command.discussed_with_managers,
            inactive_days=(at - self.last_activity).days,
        )

    def reactivate(self, command: c.ReactivateGroup, at: datetime) -> None:
        self._record(e.GroupReactivated, command, at, self._enforce(command, at))

    def report_social_media(self, command: c.ReportSocialMediaSpace, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.SocialMediaSpaceReported, command, at, clause, platform=command.platform)

    def share_activity_plan(self, command: c.ShareActivityPlan, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(e.ActivityPlanShared, command, at, clause, year=command.year, summary=command.summary)

    def report_alumni_data(self, command: c.ReportAlumniData, at: datetime) -> None:
        clause = self._enforce(command, at)
        self._record(
            e.AlumniDataReported, command, at, clause, kind=command.kind, description=command.description
        )

    def _enforce(self, command: c.Command, at: datetime, **entities: Any) -> str:
        """Check every rule the group's policy pack (the version in force at ``at``) sets
        for ``command``; return the clause to record."""
        situation = Situation(command, at, group=self, **entities)
        return self.pack_in_force(at).enforce(situation)

    def pack_in_force(self, at: datetime) -> Any:
        return policy_pack(self.policy_pack, at)

    # -- evolving state ------------------------------------------------------------

    @applies(e.GroupRequested)
    def _requested(self, event: e.GroupRequested) -> None:
        for name in (*_REQUEST_FIELDS, "slug"):
            setattr(self, name, getattr(event, name))
        self.status = GroupStatus.REQUESTED
        self.managers = set(event.proposed_managers)
        self.members: set[str] = set()
        self.pending_requests: dict[str, datetime] = {}
        self.termination_requested = False
        self.social_media_reports: list[tuple[datetime, str]] = []
        self.held_rejections: dict[str, HeldRejection] = {}
        self.activity_plans: dict[int, datetime] = {}
        self.alumni_data_reports: list[tuple[datetime, str]] = []
        self.gatherings = {}
        self.last_activity = event.timestamp

    @applies(e.GroupApproved)
    def _approved(self, event: e.GroupApproved) -> None:
        self._now(GroupStatus.ACTIVE, event)

    @applies(e.GroupRejected)
    def _rejected(self, event: e.GroupRejected) -> None:
        self._now(GroupStatus.REJECTED, event)

    @applies(e.ManagerAppointed)
    def _appointed(self, event: e.ManagerAppointed) -> None:
        self.managers.add(event.manager_id)

    @applies(e.ManagerRemoved)
    def _removed(self, event: e.ManagerRemoved) -> None:
        self.managers.discard(event.manager_id)

    @applies(e.TerminationRequested)
    def _termination_requested(self, event: e.TerminationRequested) -> None:
        self.termination_requested = True

    @applies(e.GroupTerminated)
    def _terminated(self, event: e.GroupTerminated) -> None:
        self._now(GroupStatus.TERMINATED, event)

    @applies(e.GroupDeactivated)
    def _deactivated(self, event: e.GroupDeactivated) -> None:
        self._now(GroupStatus.DEACTIVATED, event)

    @applies(e.GroupReactivated)
    def _reactivated(self, event: e.GroupReactivated) -> None:
        self._now(GroupStatus.ACTIVE, event)

    @applies(e.SocialMediaSpaceReported)
    def _social_media(self, event: e.SocialMediaSpaceReported) -> None:
        self.social_media_reports.append((event.timestamp, event.platform))

    @applies(e.ActivityPlanShared)
    def _plan_shared(self, event: e.ActivityPlanShared) -> None:
        self.activity_plans.setdefault(event.year, event.timestamp)

    @applies(e.AlumniDataReported)
    def _alumni_data(self, event: e.AlumniDataReported) -> None:
        self.alumni_data_reports.append((event.timestamp, event.kind.value))

    def _now(self, status: GroupStatus, event: e.LedgerEvent) -> None:
        self.status = status
        self.last_activity = event.timestamp


_REQUEST_FIELDS = {
    "name",
    "group_type",
    "managed_by",
    "visibility",
    "objectives",
    "membership_criteria",
    "proposed_managers",
    "policy_pack",
}
