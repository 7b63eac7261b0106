"""The read-model tables (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Integer, MetaData, String, Table, Text

from projections.sqltypes import UtcDateTime

read_models = MetaData()

groups = Table(
    "groups", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("group_type", String(32), nullable=False),
    Column("managed_by", String(16), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("policy_pack", String(16), nullable=False),
    Column("objectives", Text, nullable=False),
    Column("membership_criteria", JSON, nullable=False),
    Column("termination_requested", Boolean, nullable=False, default=False),
    Column("member_count", Integer, nullable=False, default=0),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("last_activity", UtcDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("last_position", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False, default=""),  # the hash chain, checked as events apply
)  # fmt: skip

managers = Table(
    "managers", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("manager_id", String(64), primary_key=True),
    Column("since", UtcDateTime(), nullable=False),
)  # fmt: skip

memberships = Table(
    "memberships", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("member_id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),  # pending, member, rejected, left
    Column("requested_at", UtcDateTime()),
    Column("since", UtcDateTime(), nullable=False),
    Column("decided_by", String(64)),
    Column("criterion", Text),
)  # fmt: skip

gatherings = Table(
    "gatherings", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("gathering", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("fee_per_participant", String(16), nullable=False),
    Column("cost_per_participant", String(16), nullable=False),
    Column("under_18_audience", Boolean, nullable=False),
    Column("proposed_at", UtcDateTime(), nullable=False),
    Column("decided_by", String(64)),
    Column("listed_on", Date),
    Column("lead_days", Integer),
    Column("unregistered_attendees", JSON, nullable=False, default=list),
)  # fmt: skip

speakers = Table(
    "speakers", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("gathering", String(64), primary_key=True),
    Column("speaker_id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(64)),
)  # fmt: skip

participants = Table(
    "participants", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("gathering", String(64), primary_key=True),
    Column("member_id", String(64), primary_key=True),
    Column("attendance", String(16)),  # None until recorded
)  # fmt: skip

sponsorships = Table(
    "sponsorships", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("gathering", String(64), primary_key=True),
    Column("sponsorship", String(64), primary_key=True),
    Column("sponsor", Text, nullable=False),
    Column("sector", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("screening", JSON, nullable=False),
    Column("clause", Text, nullable=False),
    Column("decided_by", String(64)),
    Column("updated_at", UtcDateTime(), nullable=False),
)  # fmt: skip

social_media_reports = Table(
    "social_media_reports", read_models,
    Column("position", Integer, primary_key=True),
    Column("group_id", String(36), nullable=False),
    Column("platform", Text, nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
)  # fmt: skip

held_rejections = Table(  # §9: rejections held for the OAR's review, and how it decided
    "held_rejections", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("member_id", String(64), primary_key=True),
    Column("held_at", UtcDateTime(), nullable=False),
    Column("held_by", String(64), nullable=False),
    Column("criterion", Text, nullable=False),
    Column("reason", Text),
    Column("grounds", JSON, nullable=False),
    Column("screening", Text, nullable=False),
    Column("status", String(16), nullable=False),  # held, upheld, overturned
    Column("reviewed_by", String(64)),
    Column("reviewed_at", UtcDateTime()),
    Column("review_reason", Text),
)  # fmt: skip

activity_plans = Table(  # LSE: annual activity plans shared (append-only: the first share of a year counts)
    "activity_plans", read_models,
    Column("position", Integer, primary_key=True),
    Column("group_id", String(36), nullable=False),
    Column("year", Integer, nullable=False),
    Column("shared_at", UtcDateTime(), nullable=False),
    Column("shared_by", String(64), nullable=False),
    Column("summary", Text, nullable=False),
)  # fmt: skip

alumni_data_reports = Table(  # LSE: reported own alumni databases or mailing lists
    "alumni_data_reports", read_models,
    Column("position", Integer, primary_key=True),
    Column("group_id", String(36), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("reported_at", UtcDateTime(), nullable=False),
)  # fmt: skip

audit_trail = Table(
    "audit_trail", read_models,
    Column("position", Integer, primary_key=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("group_id", String(36), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("time", UtcDateTime(), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("actor_auth_method", String(16), nullable=False),  # oidc | local-token | local-cli
    Column("actor_auth_issuer", String(255)),
    Column("action", String(64), nullable=False),
    Column("reason", Text),
    Column("clause", Text, nullable=False),
    Column("policy_pack", String(16)),  # null: a v1 event (not recorded then)
    Column("policy_version", String(16)),
    Column("event_hash", String(64), nullable=False),
    Column("details", JSON, nullable=False),
)  # fmt: skip

# Bookkeeping, written in the same transaction as the rows above.
consumer_offsets = Table(
    "consumer_offsets", read_models,
    Column("topic", String(249), primary_key=True),
    Column("partition", Integer, primary_key=True),
    Column("next_offset", Integer, nullable=False),
)  # fmt: skip

stale_groups = Table(
    "stale_groups", read_models,
    Column("group_id", String(36), primary_key=True),
    Column("offset", Integer, nullable=False),  # Kafka offset of the first parked message
    Column("reason", Text, nullable=False),
)  # fmt: skip

STATE_TABLES = (groups, managers, memberships, gatherings, speakers, participants,
                sponsorships, social_media_reports, held_rejections, activity_plans,
                alumni_data_reports, audit_trail)  # fmt: skip
"""What two equal projections must hold alike (bookkeeping excluded)."""
