"""Mentor training and webinars (0023): sessions a curator or a coordinator schedules, the
organisations each one is for, its materials, and the invitations with answers and
attendance (обучение наставников, график вебинаров)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = [
    "training_invitations",
    "training_materials",
    "training_organisations",
    "training_sessions",
]

# audience: mentors / curators / everyone; status: scheduled / cancelled. `timezone` is the
# zone its time was given in (its first organisation's), so everyone reads the same time.
training_sessions = Table(
    "training_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("link", String(500)),
    Column("place", String(300)),
    Column("audience", String(20), nullable=False),
    Column("school_year", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("organiser_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_training_sessions_starts_at", training_sessions.c.starts_at)

training_organisations = Table(
    "training_organisations",
    metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)
Index("ix_training_organisations_organisation_id", training_organisations.c.organisation_id)

# A link (`url`) or a file sent in chat (Telegram's `file_id`, its name and size).
training_materials = Table(
    "training_materials",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(500)),
    Column("file_id", String(200)),
    Column("file_name", String(200)),
    Column("file_size", Integer),
)
Index("ix_training_materials_session_id", training_materials.c.session_id)

# answer: pending / yes / no. attended: None until marked; marked_by: organiser / self.
training_invitations = Table(
    "training_invitations",
    metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("answer", String(20), nullable=False),
    Column("answered_at", UTCDateTime),
    Column("attended", Boolean),
    Column("marked_by", String(20)),
    Column("marked_at", UTCDateTime),
)
Index("ix_training_invitations_person_id", training_invitations.c.person_id)
