"""Pairs and what they do (0010, 0011, 0016): pairs and groups with their mentees, the
curator's draft, personalised plans, and meetings."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = ["meetings", "pair_mentees", "pair_proposals", "pairs", "plans"]

# A mentor and his mentees (one for a pair, several for a group), active from the order
# (приказ) that approved them. `fit_flag`: the approved draft had no blocking pair, i.e. the
# curator's edits kept the matching stable. `poor_fit_at` (0017): when feedback from the
# pair first rated the fit low; such pairs are shown to the curator in his digest.
pairs = Table(
    "pairs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("mentor_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("form", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # active / dissolved
    Column("order_number", String(100), nullable=False),
    Column("order_date", Date, nullable=False),
    Column("approved_at", UTCDateTime, nullable=False),
    Column("approved_by", Integer),
    Column("dissolved_at", UTCDateTime),
    Column("dissolve_reason", String(300)),
    Column("fit_flag", Boolean, nullable=False),
    Column("poor_fit_at", UTCDateTime),
)
Index("ix_pairs_organisation_status", pairs.c.organisation_id, pairs.c.status)
Index("ix_pairs_mentor_id", pairs.c.mentor_id)

pair_mentees = Table(
    "pair_mentees",
    metadata,
    Column("pair_id", ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True),
    Column("mentee_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)
Index("ix_pair_mentees_mentee_id", pair_mentees.c.mentee_id)

# The curator's working draft, one per organisation: {mentor_id: [mentee_ids]} plus the
# unmatched mentees with reason codes. Replaced by every new proposal, dropped on approval.
pair_proposals = Table(
    "pair_proposals",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("groups", JSON, nullable=False),
    Column("unmatched", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The personalised programme (индивидуальный план) of one mentee in one pair.
plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pair_id", ForeignKey("pairs.id", ondelete="CASCADE"), nullable=False),
    Column("mentee_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("goals", JSON, nullable=False),  # list of short texts
    Column("duration_months", Integer, nullable=False),
    Column("activities", JSON, nullable=False),  # [{"month": int, "text": str}]
    Column("expected_results", Text, nullable=False),
    Column("status", String(20), nullable=False),  # draft / submitted / approved / returned
    Column("mentee_comment", Text),
    Column("curator_comment", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("approved_at", UTCDateTime),
    UniqueConstraint("pair_id", "mentee_id", name="uq_plans_pair_mentee"),
)

# --- meetings (0011) ---------------------------------------------------------------------
# A pair's meeting (встреча пары), or the final meeting of all pairs (pair_id NULL,
# kind group_final). Times are UTC; the organisation's timezone is applied when shown.
meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("pair_id", ForeignKey("pairs.id", ondelete="CASCADE")),
    Column("kind", String(20), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("place", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("proposed_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("confirmed_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("cancel_reason", String(300)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_meetings_status_starts_at", meetings.c.status, meetings.c.starts_at)
Index("ix_meetings_pair_id", meetings.c.pair_id)
# Meetings held per organisation in a period, without scanning everyone else's (0016).
Index(
    "ix_meetings_organisation_status_starts_at",
    meetings.c.organisation_id,
    meetings.c.status,
    meetings.c.starts_at,
)
