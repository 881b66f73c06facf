"""What the programme reports (0012, 0013, 0015, 0016, 0022): headcounts and KPI targets,
roadmap items, best practices, the per-organisation snapshots /stats is built from, and the
organisations' own templates of their documents."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = [
    "document_templates",
    "headcounts",
    "kpi_targets",
    "practices",
    "roadmap_items",
    "stats_snapshots",
]

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

# Per-year overrides of the KPI targets in mentoring/stats/data/targets.yaml.
kpi_targets = Table(
    "kpi_targets",
    metadata,
    Column("kpi", String(40), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value_pct", Float, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- roadmap (0013) ---------------------------------------------------------------------
# An organisation's dated roadmap item (пункт дорожной карты) for one school year, made
# from the template in mentoring/roadmap/data/roadmap.yaml; `code` keeps an import idempotent.
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

# Per organisation and period, the counts /stats is built from, as computed by the periodic
# refresh (mentoring/stats/facts.py): a region-wide /stats reads 1,000 small rows instead of
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
    Column("facts", Text, nullable=False),  # JSON of mentoring.stats.facts.OrgFacts
)

# --- documents (0022) -------------------------------------------------------------------
# An organisation's own Word template of a document kind (order / letters / note /
# practices), uploaded in the back office in place of the one the product ships; checked
# before it is stored, and gone on «reset to the default».
document_templates = Table(
    "document_templates",
    metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("file_name", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("uploaded_at", UTCDateTime, nullable=False),
)
