"""Questionnaires (0002, 0016): survey waves, who must answer what, responses and their
answers, and the group meeting whose attendees get the preference questionnaire."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    cast,
)

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = [
    "answers",
    "group_meeting_attendees",
    "group_meetings",
    "responses",
    "survey_assignments",
    "survey_waves",
]

survey_waves = Table(
    "survey_waves",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("survey_code", String(64), nullable=False),
    Column("role", String(20), nullable=False),
    Column("deadline", Date, nullable=False),
    Column("created_by", Integer),
    Column("created_at", UTCDateTime, nullable=False),
)

survey_assignments = Table(
    "survey_assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("survey_code", String(64), nullable=False),
    Column("wave_id", ForeignKey("survey_waves.id", ondelete="CASCADE")),
    # What the questionnaire is about: a meeting for feedback, a group meeting for preferences.
    Column("subject_type", String(32)),
    Column("subject_id", Integer),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("status", String(20), nullable=False),  # pending / in_progress / submitted / cancelled
    Column("created_at", UTCDateTime, nullable=False),
)
Index(
    "ix_survey_assignments_person_status",
    survey_assignments.c.person_id,
    survey_assignments.c.status,
)

responses = Table(
    "responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment_id", ForeignKey("survey_assignments.id", ondelete="SET NULL"), unique=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("survey_code", String(64), nullable=False),
    Column("survey_version", Integer, nullable=False),
    Column("state", Text, nullable=False),  # the engine's ResponseState as JSON
    Column("status", String(20), nullable=False),  # in_progress / submitted
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("submitted_at", UTCDateTime),
    # Scored once at submission so that stats scan responses, not answers (DESIGN §2).
    Column("satisfaction_score", Float),
)
Index("ix_responses_person_status", responses.c.person_id, responses.c.status)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("response_id", ForeignKey("responses.id", ondelete="CASCADE"), nullable=False),
    Column("question_code", String(64), nullable=False),
    Column("value", JSON),
    Column("free_text", Boolean, nullable=False, server_default="0"),
    Column("answered_at", UTCDateTime, nullable=False),
    UniqueConstraint("response_id", "question_code", name="uq_answers_response_question"),
)

group_meetings = Table(
    "group_meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("created_by", Integer),
    Column("created_at", UTCDateTime, nullable=False),
)

group_meeting_attendees = Table(
    "group_meeting_attendees",
    metadata,
    Column(
        "group_meeting_id", ForeignKey("group_meetings.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

# --- scopes (0014): a region's waves by organisation and questionnaire ------------------
Index(
    "ix_survey_waves_organisation_code", survey_waves.c.organisation_id, survey_waves.c.survey_code
)

# --- stats at scale (0016) ----------------------------------------------------------------
# Young specialists are found from the indexed position answer, not by reading every answer.
Index(
    "ix_answers_question_value",
    answers.c.question_code,
    cast(answers.c.value, String),
)
# Impact monitoring reads one questionnaire's submitted responses, not all of them; with
# person_id last it also finds "a later intake of this person" at once.
Index(
    "ix_responses_survey_status",
    responses.c.survey_code,
    responses.c.status,
    responses.c.person_id,
)
# Response rates count a wave's assignments by status from the index alone.
Index(
    "ix_survey_assignments_wave_status", survey_assignments.c.wave_id, survey_assignments.c.status
)
