"""Mentor training and webinars: sessions, invitations with answers, attendance.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _session_fk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "session_id",
        sa.Integer,
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", UTCDateTime, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("link", sa.String(500)),
        sa.Column("place", sa.String(300)),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("organiser_id", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_training_sessions_starts_at", "training_sessions", ["starts_at"])
    op.create_table(
        "training_organisations",
        _session_fk(),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index(
        "ix_training_organisations_organisation_id", "training_organisations", ["organisation_id"]
    )
    op.create_table(
        "training_materials",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("url", sa.String(500)),
        sa.Column("file_id", sa.String(200)),
        sa.Column("file_name", sa.String(200)),
        sa.Column("file_size", sa.Integer),
    )
    op.create_index("ix_training_materials_session_id", "training_materials", ["session_id"])
    op.create_table(
        "training_invitations",
        _session_fk(),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("answer", sa.String(20), nullable=False),
        sa.Column("answered_at", UTCDateTime),
        sa.Column("attended", sa.Boolean),
        sa.Column("marked_by", sa.String(20)),
        sa.Column("marked_at", UTCDateTime),
    )
    op.create_index("ix_training_invitations_person_id", "training_invitations", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_training_invitations_person_id", "training_invitations")
    op.drop_table("training_invitations")
    op.drop_index("ix_training_materials_session_id", "training_materials")
    op.drop_table("training_materials")
    op.drop_index("ix_training_organisations_organisation_id", "training_organisations")
    op.drop_table("training_organisations")
    op.drop_index("ix_training_sessions_starts_at", "training_sessions")
    op.drop_table("training_sessions")
