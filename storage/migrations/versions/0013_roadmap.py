"""Roadmap items (пункты дорожной карты) of an organisation per school year.

Revision ID: 0013
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roadmap_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title_ru", sa.String(300), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("responsible_role", sa.String(20), nullable=False),
        sa.Column("done_at", UTCDateTime),
        sa.Column("done_by", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "year", "code", name="uq_roadmap_items_org_year_code"
        ),
    )
    op.create_index("ix_roadmap_items_due_on", "roadmap_items", ["due_on"])


def downgrade() -> None:
    op.drop_index("ix_roadmap_items_due_on", table_name="roadmap_items")
    op.drop_table("roadmap_items")
