"""Headcounts per organisation and school year; per-year KPI target overrides.

Revision ID: 0012
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "headcounts",
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("pupils_10_19", sa.Integer),
        sa.Column("pupils_15_19", sa.Integer),
        sa.Column("young_teachers", sa.Integer),
        sa.Column("teachers_under_35", sa.Integer),
        sa.Column("partners_on_record", sa.Integer),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "kpi_targets",
        sa.Column("kpi", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("value_pct", sa.Float, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kpi_targets")
    op.drop_table("headcounts")
