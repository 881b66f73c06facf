"""Stats at region scale: indexes for the grouped counts and the per-organisation snapshots.

Revision ID: 0016
Revises: 0013, 0015
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0016"
down_revision = ("0013", "0015")  # joins the meetings and the stats branches
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_answers_question_value",
        "answers",
        ["question_code", sa.text("CAST(value AS VARCHAR)")],
    )
    op.create_index(
        "ix_responses_survey_status", "responses", ["survey_code", "status", "person_id"]
    )
    op.create_index(
        "ix_meetings_organisation_status_starts_at",
        "meetings",
        ["organisation_id", "status", "starts_at"],
    )
    op.drop_index("ix_survey_assignments_wave", table_name="survey_assignments")
    op.create_index(
        "ix_survey_assignments_wave_status", "survey_assignments", ["wave_id", "status"]
    )
    op.create_table(
        "stats_snapshots",
        sa.Column("period", sa.String(16), primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("computed_at", UTCDateTime, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stats_snapshots")
    op.drop_index("ix_survey_assignments_wave_status", table_name="survey_assignments")
    op.create_index("ix_survey_assignments_wave", "survey_assignments", ["wave_id"])
    op.drop_index("ix_meetings_organisation_status_starts_at", table_name="meetings")
    op.drop_index("ix_responses_survey_status", table_name="responses")
    op.drop_index("ix_answers_question_value", table_name="answers")
