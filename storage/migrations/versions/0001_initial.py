"""Initial schema: organisations, people, memberships, invites, consents, audit log, FSM.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("municipality", sa.String(200), nullable=False, server_default=""),
        sa.Column("region", sa.String(200), nullable=False, server_default=""),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("telegram_id", sa.BigInteger, unique=True),
        sa.Column("full_name", sa.String(100)),
        sa.Column("username", sa.String(64)),
        sa.Column("birth_date", sa.Date),
        sa.Column("locale", sa.String(8), nullable=False, server_default="ru"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "organisation_id", sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE")
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            "person_id", "organisation_id", "role", name="uq_memberships_person_org_role"
        ),
    )
    op.create_index("ix_memberships_org_role", "memberships", ["organisation_id", "role"])
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "organisation_id", sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE")
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("max_uses", sa.Integer),
        sa.Column("uses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("expires_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text_version", sa.String(32), nullable=False),
        sa.Column("granted_at", UTCDateTime, nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime),
    )
    op.create_index("ix_consents_person_kind", "consents", ["person_id", "kind"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor_person_id", sa.Integer),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32)),
        sa.Column("object_id", sa.String(64)),
        sa.Column("details", sa.JSON),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "fsm_states",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(200)),
        sa.Column("data", sa.Text, nullable=False, server_default="{}"),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_fsm_states_user_id", "fsm_states", ["user_id"])


def downgrade() -> None:
    for table in (
        "fsm_states",
        "audit_log",
        "consents",
        "invites",
        "memberships",
        "people",
        "organisations",
    ):
        op.drop_table(table)
