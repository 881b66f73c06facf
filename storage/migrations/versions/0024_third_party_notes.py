"""Notes from third parties on a mentee's needs, with the consent they rest on.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "note_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "mentee_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("author_role", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.Integer),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("mentee_agrees", sa.Boolean),
        sa.Column("mentee_shows_mentor", sa.Boolean),
        sa.Column("parent_needed", sa.Boolean, nullable=False),
        sa.Column("parent_chat_id", sa.BigInteger),
        sa.Column("parent_agrees", sa.Boolean),
        sa.Column("parent_shows_mentor", sa.Boolean),
        sa.Column("code", sa.String(64), unique=True),
        sa.Column("expires_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_note_requests_mentee_id", "note_requests", ["mentee_id"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "mentee_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("note_requests.id", ondelete="SET NULL")),
        sa.Column("author_role", sa.String(20), nullable=False),
        sa.Column("author_person_id", sa.Integer),
        sa.Column("author_telegram_id", sa.BigInteger),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("mentor_may_see", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_notes_mentee_id", "notes", ["mentee_id"])
    op.create_index("ix_notes_organisation_id", "notes", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_notes_organisation_id", table_name="notes")
    op.drop_index("ix_notes_mentee_id", table_name="notes")
    op.drop_table("notes")
    op.drop_index("ix_note_requests_mentee_id", table_name="note_requests")
    op.drop_table("note_requests")
