"""Who takes part (0001, 0009, 0014): organisations, people and their roles, invites,
consents, the people a school imports, and a coordinator's area."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = [
    "consents",
    "coordinator_coverage",
    "invite_coverage",
    "invites",
    "memberships",
    "organisations",
    "parent_codes",
    "people",
    "people_imports",
]

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
    # Who signs the organisation's documents (0022): the head's full name and position.
    Column("head_name", String(200), nullable=False, server_default=""),
    Column("head_position", String(200), nullable=False, server_default=""),
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

# --- imported from class and staff lists (0009) ----------------------------------------

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
