"""Small enumerations shared by commands, events and rules."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What an actor acts as. Claimed roles are checked against the ledger."""

    OAR_OFFICER = "oar"
    GROUP_MANAGER = "manager"
    MEMBER = "member"
    SYSTEM = "system"


class GroupType(StrEnum):
    """§3: the kinds of group the guidelines name (not a closed list)."""

    SCIENTIFIC_COLLABORATION = "scientific-collaboration"
    REGIONAL = "regional"
    CERN_PARTNERSHIP = "cern-partnership"
    CERN_SCHOOL = "cern-school"
    STUDENT_PROGRAMME = "student-programme"
    CERN_ACTIVITY = "cern-activity"
    OTHER = "other"


class ManagedBy(StrEnum):
    """§4: CERN-managed or alumni-managed."""

    CERN = "cern"
    ALUMNI = "alumni"


class Visibility(StrEnum):
    """§8 public (no moderation) or §9 private (moderated)."""

    PUBLIC = "public"
    PRIVATE = "private"


class GroupStatus(StrEnum):
    REQUESTED = "requested"
    ACTIVE = "active"
    REJECTED = "rejected"
    DEACTIVATED = "deactivated"
    TERMINATED = "terminated"


class GatheringStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    LISTED = "listed"
    HELD = "held"


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class Purpose(StrEnum):
    """§21: the purposes that make a group event relevant."""

    SCIENTIFIC = "scientific"
    TECHNOLOGICAL = "technological"
    COMMUNITY_BUILDING = "community-building"
    CERN_RELATED = "cern-related"


class Attendance(StrEnum):
    """Annex 1: participants are marked "Attended" or "Did Not Attend"."""

    ATTENDED = "attended"
    DID_NOT_ATTEND = "did-not-attend"


class SponsorSector(StrEnum):
    """§26: the sectors sponsorship screening looks at."""

    WEAPONS = "weapons"
    TOBACCO = "tobacco"
    ALCOHOL = "alcohol"
    OTHER = "other"


class TerminationInitiative(StrEnum):
    """§32: at the managers' request, or on the OAR's own initiative."""

    MANAGERS_REQUEST = "managers-request"
    OAR = "oar"


class PackName(StrEnum):
    """The installed policy packs, by the name a group records (``domain.policy.registry``
    maps each to its rules; a test checks the two agree)."""

    CERN = "cern"
    LSE = "lse"
