"""Tables (SQLAlchemy Core). Migrations under storage/migrations mirror this file."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.types import UTCDateTime

__all__ = [
    "audit_log",
    "consents",
    "fsm_states",
    "invites",
    "memberships",
    "metadata",
    "organisations",
    "people",
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
