"""Back office: spent login/session token ids, people imported from class and staff lists.

Revision ID: 0009
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_spent_tokens",
        sa.Column("token_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("spent_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_admin_spent_tokens_expires_at", "admin_spent_tokens", ["expires_at"], unique=False
    )
    op.create_table(
        "people_imports",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "invite_id",
            sa.Integer,
            sa.ForeignKey("invites.id", ondelete="SET NULL"),
            unique=True,
        ),
        sa.Column("class_or_position", sa.String(100), nullable=False, server_default=""),
        sa.Column("imported_by", sa.Integer),
        sa.Column("imported_at", UTCDateTime, nullable=False),
        sa.Column("claimed_at", UTCDateTime),
    )


def downgrade() -> None:
    op.drop_table("people_imports")
    op.drop_index("ix_admin_spent_tokens_expires_at", table_name="admin_spent_tokens")
    op.drop_table("admin_spent_tokens")
