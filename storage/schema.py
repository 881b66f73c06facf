"""Tables (SQLAlchemy Core). Migrations under storage/migrations mirror this file."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    cast,
)

from storage.types import UTCDateTime

__all__ = [
    "admin_spent_tokens",
    "answers",
    "audit_log",
    "consents",
    "coordinator_coverage",
    "fsm_states",
    "group_meeting_attendees",
    "group_meetings",
    "headcounts",
    "inbox",
    "invite_coverage",
    "invites",
    "meetings",
    "memberships",
    "metadata",
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
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(20), nullable=False),  # school / college / additional / partner
    Column("municipality", String(200), nullable=False, server_default=""),
    Column("region", String(200), nullable=False, server_default=""),
    Column("timezone", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    # NULL after /forget: the row stays only as an anonymous id for aggregates.
    Column("telegram_id", BigInteger, unique=True),
    Column("full_name", String(100)),
    Column("username", String(64)),
    Column("birth_date", Date),
    Column("locale", String(8), nullable=False, server_default="ru"),
    Column("status", String(20), nullable=False),  # pending_name / active / inactive / forgotten
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE")),
    Column("role", String(20), nullable=False),  # mentee / mentor / curator / coordinator / admin
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("person_id", "organisation_id", "role", name="uq_memberships_person_org_role"),
)
Index("ix_memberships_org_role", memberships.c.organisation_id, memberships.c.role)

invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE")),
    Column("role", String(20), nullable=False),
    Column("max_uses", Integer),  # NULL: unlimited
    Column("uses", Integer, nullable=False, server_default="0"),
    Column("expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
)

consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),  # personal_data / parent
    Column("text_version", String(32), nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
    Column("granted_by", String(200), nullable=False),  # "self", or who gave it for a minor
    Column("withdrawn_at", UTCDateTime),
    # The Telegram account a parent agreed from (0018); NULL on paper, for "self", after /forget.
    Column("granted_by_telegram_id", BigInteger),
)
Index("ix_consents_person_kind", consents.c.person_id, consents.c.kind)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_person_id", Integer),  # no FK: the log outlives what it mentions
    Column("action", String(64), nullable=False),
    Column("object_type", String(32)),
    Column("object_id", String(64)),
    Column("details", JSON),  # never personal data
)
Index("ix_audit_log_at", audit_log.c.at)

fsm_states = Table(
    "fsm_states",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("user_id", BigInteger, nullable=False, index=True),
    Column("state", String(200)),
    Column("data", Text, nullable=False, server_default="{}"),
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- questionnaires (0002) -------------------------------------------------------------

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

parent_codes = Table(
    "parent_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("child_person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)

# --- outbox (0003) ---------------------------------------------------------------------

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("kind", String(64), nullable=False),  # meeting_reminder_24h, digest_curator, ...
    Column("payload", JSON, nullable=False),  # rendered text, buttons, parse_mode
    Column("due_at", UTCDateTime, nullable=False),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("status", String(20), nullable=False),  # pending / sending / sent / failed / cancelled
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", String(300)),  # error class + Telegram's description, never texts
    Column("lease_until", UTCDateTime),  # while `sending`: when another sender may take it over
    Column("sent_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    # Once sent (0021): Telegram's id of the last part, the one with the buttons, so that an
    # invitation can be edited when its meeting is settled elsewhere.
    Column("message_id", BigInteger),
)
# The dispatcher's scan: pending rows in due order, and `sending` rows by expired lease.
Index("ix_outbox_status_due_at", outbox.c.status, outbox.c.due_at)
Index("ix_outbox_status_lease_until", outbox.c.status, outbox.c.lease_until)
Index("ix_outbox_person_status", outbox.c.person_id, outbox.c.status)

# --- back office (0009) ----------------------------------------------------------------

# Login links and sessions are signed, not stored; only their spent ids are, so that a
# login link works once and a logged-out session stays dead. Rows expire with the token.
admin_spent_tokens = Table(
    "admin_spent_tokens",
    metadata,
    Column("token_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # login / session
    Column("spent_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# People entered by the school from a class or staff list, before they join in Telegram.
# The row links the person to his personal single-use invite; consent is still pending
# until he opens it (people.status = "invited").
people_imports = Table(
    "people_imports",
    metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("invite_id", ForeignKey("invites.id", ondelete="SET NULL"), unique=True),
    Column("class_or_position", String(100), nullable=False, server_default=""),
    Column("imported_by", Integer),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime),
)

# --- pairs (0010) ----------------------------------------------------------------------

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

# --- stats (0012) ----------------------------------------------------------------------

# The KPI denominators a curator enters once per organisation and school year (численность).
# `year` is the school year's first calendar year: 2026 is 2026/27.
headcounts = Table(
    "headcounts",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("pupils_10_19", Integer),
    Column("pupils_15_19", Integer),
    Column("young_teachers", Integer),  # teachers with 0–3 years of experience
    Column("teachers_under_35", Integer),
    Column("partners_on_record", Integer),  # NULL: count organisations of kind "partner"
    Column("updated_at", UTCDateTime, nullable=False),
)

# Per-year overrides of the KPI targets in mentoring/data/targets.yaml.
kpi_targets = Table(
    "kpi_targets",
    metadata,
    Column("kpi", String(40), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value_pct", Float, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- scopes (0014) ---------------------------------------------------------------------

# A coordinator invited for a municipality or a region (зона координатора) rather than for
# one organisation: the invite carries the coverage, and registration copies it to the
# person. Exactly one of municipality / region is set.
invite_coverage = Table(
    "invite_coverage",
    metadata,
    Column("invite_id", ForeignKey("invites.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality", String(200)),
    Column("region", String(200)),
)

coordinator_coverage = Table(
    "coordinator_coverage",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("municipality", String(200)),
    Column("region", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("person_id", "municipality", "region", name="uq_coordinator_coverage_area"),
)
Index("ix_organisations_municipality", organisations.c.municipality)
Index("ix_organisations_region", organisations.c.region)
Index(
    "ix_survey_waves_organisation_code", survey_waves.c.organisation_id, survey_waves.c.survey_code
)

# --- roadmap (0013) ---------------------------------------------------------------------
# An organisation's dated roadmap item (пункт дорожной карты) for one school year, made
# from the template in mentoring/data/roadmap.yaml; `code` keeps an import idempotent.
roadmap_items = Table(
    "roadmap_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),  # the school year's first calendar year
    Column("code", String(64), nullable=False),
    Column("title_ru", String(300), nullable=False),
    Column("title_en", String(300), nullable=False),
    Column("stage", String(40), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("responsible_role", String(20), nullable=False),
    Column("done_at", UTCDateTime),
    Column("done_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("done_link", String(200)),  # 0020: the back-office page of the work that did it
    Column("skipped", Boolean, nullable=False, server_default="0"),  # 0020: past at import
    UniqueConstraint("organisation_id", "year", "code", name="uq_roadmap_items_org_year_code"),
)
Index("ix_roadmap_items_due_on", roadmap_items.c.due_on)

# --- best practices (0015) ----------------------------------------------------------------
# A best mentoring practice (лучшая практика наставничества) an organisation reports each
# quarter. `person_id` is only who entered it: after /forget it points at an anonymous row,
# and a deleted person leaves NULL; the practice belongs to the organisation.
practices = Table(
    "practices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("title", String(200), nullable=False),
    Column("form", String(40), nullable=False),
    Column("link", String(500), nullable=False),
    Column("quarter", String(7), nullable=False),  # "2026-Q4"
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_practices_organisation_quarter", practices.c.organisation_id, practices.c.quarter)

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
# Meetings held per organisation in a period, without scanning everyone else's.
Index(
    "ix_meetings_organisation_status_starts_at",
    meetings.c.organisation_id,
    meetings.c.status,
    meetings.c.starts_at,
)
# Response rates count a wave's assignments by status from the index alone.
Index(
    "ix_survey_assignments_wave_status", survey_assignments.c.wave_id, survey_assignments.c.status
)

# Per organisation and period, the counts /stats is built from, as computed by the periodic
# refresh (mentoring/stats_facts.py): a region-wide /stats reads 1,000 small rows instead of
# aggregating hundreds of thousands. Only counts, never a person.
stats_snapshots = Table(
    "stats_snapshots",
    metadata,
    Column("period", String(16), primary_key=True),  # Period.label: "2026/27", "2026-Q3"
    Column(
        "organisation_id",
        ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("threshold", Float, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    Column("facts", Text, nullable=False),  # JSON of mentoring.stats_facts.OrgFacts
)

# --- incoming updates (0019) -----------------------------------------------------------

# Every update is stored here (one transaction per getUpdates batch) before Telegram is
# told it arrived, and handled from here (bot/inbox.py). The JSON holds what people wrote:
# it is erased once handled; the bare id stays a day so that a redelivery is recognised.
inbox = Table(
    "inbox",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("chat_id", BigInteger),  # one chat's updates are handled in update_id order
    Column("user_id", BigInteger),  # the sender, for /forget
    Column("raw", Text),  # the Update's JSON until handled, then NULL
    Column("state", String(10), nullable=False),  # new / done
    Column("received_at", UTCDateTime, nullable=False),
)
# A restart's scan (unfinished rows) and the daily pruning (done rows by age).
Index("ix_inbox_state_received_at", inbox.c.state, inbox.c.received_at)
Index("ix_inbox_user_id", inbox.c.user_id)
