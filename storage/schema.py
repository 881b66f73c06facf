"""Tables (SQLAlchemy Core): one module per aggregate, gathered here into the one `metadata`
that Alembic compares with the migrations under storage/migrations, which mirror them.
Import tables from here: a table's foreign keys name tables of other modules."""

from __future__ import annotations

from storage.schema_cases import case_writeups
from storage.schema_metadata import metadata
from storage.schema_notes import note_requests, notes
from storage.schema_pairs import meetings, pair_mentees, pair_proposals, pairs, plans
from storage.schema_people import (
    consents,
    coordinator_coverage,
    invite_coverage,
    invites,
    memberships,
    organisations,
    parent_codes,
    people,
    people_imports,
)
from storage.schema_reporting import (
    document_templates,
    headcounts,
    kpi_targets,
    practices,
    roadmap_items,
    stats_snapshots,
)
from storage.schema_surveys import (
    answers,
    group_meeting_attendees,
    group_meetings,
    responses,
    survey_assignments,
    survey_waves,
)
from storage.schema_system import admin_spent_tokens, audit_log, fsm_states, inbox, outbox
from storage.schema_training import (
    training_invitations,
    training_materials,
    training_organisations,
    training_sessions,
)

__all__ = [
    "admin_spent_tokens",
    "answers",
    "audit_log",
    "case_writeups",
    "consents",
    "coordinator_coverage",
    "document_templates",
    "fsm_states",
    "group_meeting_attendees",
    "group_meetings",
    "headcounts",
    "inbox",
    "invite_coverage",
    "invites",
    "kpi_targets",
    "meetings",
    "memberships",
    "metadata",
    "note_requests",
    "notes",
    "organisations",
    "outbox",
    "pair_mentees",
    "pair_proposals",
    "pairs",
    "parent_codes",
    "people",
    "people_imports",
    "plans",
    "practices",
    "responses",
    "roadmap_items",
    "stats_snapshots",
    "survey_assignments",
    "survey_waves",
    "training_invitations",
    "training_materials",
    "training_organisations",
    "training_sessions",
]
