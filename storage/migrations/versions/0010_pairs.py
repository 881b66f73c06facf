"""Pairs and groups, their mentees, the curator's draft proposal, personalised plans.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, **kwargs: object) -> sa.Column[int]:
    return sa.Column(column, sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), **kwargs)  # type: ignore[arg-type]


def upgrade() -> None:
    op.create_table(
        "pairs",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("organisation_id", "organisations.id", nullable=False),
        _fk("mentor_id", "people.id", nullable=False),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("order_number", sa.String(100), nullable=False),
        sa.Column("order_date", sa.Date, nullable=False),
        sa.Column("approved_at", UTCDateTime, nullable=False),
        sa.Column("approved_by", sa.Integer),
        sa.Column("dissolved_at", UTCDateTime),
        sa.Column("dissolve_reason", sa.String(300)),
        sa.Column("fit_flag", sa.Boolean, nullable=False),
    )
    op.create_index("ix_pairs_organisation_status", "pairs", ["organisation_id", "status"])
    op.create_index("ix_pairs_mentor_id", "pairs", ["mentor_id"])
    op.create_table(
        "pair_mentees",
        _fk("pair_id", "pairs.id", primary_key=True),
        _fk("mentee_id", "people.id", primary_key=True),
    )
    op.create_index("ix_pair_mentees_mentee_id", "pair_mentees", ["mentee_id"])
    op.create_table(
        "pair_proposals",
        _fk("organisation_id", "organisations.id", primary_key=True),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("unmatched", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("pair_id", "pairs.id", nullable=False),
        _fk("mentee_id", "people.id", nullable=False),
        sa.Column("goals", sa.JSON, nullable=False),
        sa.Column("duration_months", sa.Integer, nullable=False),
        sa.Column("activities", sa.JSON, nullable=False),
        sa.Column("expected_results", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("mentee_comment", sa.Text),
        sa.Column("curator_comment", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("approved_at", UTCDateTime),
        sa.UniqueConstraint("pair_id", "mentee_id", name="uq_plans_pair_mentee"),
    )


def downgrade() -> None:
    op.drop_table("plans")
    op.drop_table("pair_proposals")
    op.drop_index("ix_pair_mentees_mentee_id", table_name="pair_mentees")
    op.drop_table("pair_mentees")
    op.drop_index("ix_pairs_mentor_id", table_name="pairs")
    op.drop_index("ix_pairs_organisation_status", table_name="pairs")
    op.drop_table("pairs")
