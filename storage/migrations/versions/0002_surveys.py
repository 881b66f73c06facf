"""Questionnaires: waves, assignments, responses, answers, group meetings, parent codes.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _fk(target: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "survey_waves",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, _fk("organisations.id"), nullable=False),
        sa.Column("survey_code", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("created_by", sa.Integer),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "survey_assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, _fk("people.id"), nullable=False),
        sa.Column("survey_code", sa.String(64), nullable=False),
        sa.Column("wave_id", sa.Integer, _fk("survey_waves.id")),
        sa.Column("subject_type", sa.String(32)),
        sa.Column("subject_id", sa.Integer),
        sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_survey_assignments_person_status", "survey_assignments", ["person_id", "status"]
    )
    op.create_index("ix_survey_assignments_wave", "survey_assignments", ["wave_id"])
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "assignment_id", sa.Integer, _fk("survey_assignments.id", "SET NULL"), unique=True
        ),
        sa.Column("person_id", sa.Integer, _fk("people.id"), nullable=False),
        sa.Column("survey_code", sa.String(64), nullable=False),
        sa.Column("survey_version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("submitted_at", UTCDateTime),
        sa.Column("satisfaction_score", sa.Float),
    )
    op.create_index("ix_responses_person_status", "responses", ["person_id", "status"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("response_id", sa.Integer, _fk("responses.id"), nullable=False),
        sa.Column("question_code", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON),
        sa.Column("free_text", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("answered_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("response_id", "question_code", name="uq_answers_response_question"),
    )
    op.create_table(
        "group_meetings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("organisation_id", sa.Integer, _fk("organisations.id"), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("created_by", sa.Integer),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "group_meeting_attendees",
        sa.Column("group_meeting_id", sa.Integer, _fk("group_meetings.id"), primary_key=True),
        sa.Column("person_id", sa.Integer, _fk("people.id"), primary_key=True),
    )
    op.create_table(
        "parent_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("child_person_id", sa.Integer, _fk("people.id"), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("used_at", UTCDateTime),
    )


def downgrade() -> None:
    for table in (
        "parent_codes",
        "group_meeting_attendees",
        "group_meetings",
        "answers",
        "responses",
        "survey_assignments",
        "survey_waves",
    ):
        op.drop_table(table)
