"""Case write-ups of the pairs' results and the curator's selection.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_writeups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "pair_id", sa.Integer, sa.ForeignKey("pairs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "mentor_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("goal", sa.Text, nullable=False),
        sa.Column("work", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("photos", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("selected_at", UTCDateTime),
        sa.Column("selected_by", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.UniqueConstraint("pair_id", "year", name="uq_case_writeups_pair_year"),
    )
    op.create_index(
        "ix_case_writeups_organisation_year", "case_writeups", ["organisation_id", "year"]
    )
    op.create_index("ix_case_writeups_mentor_id", "case_writeups", ["mentor_id"])


def downgrade() -> None:
    op.drop_index("ix_case_writeups_mentor_id", table_name="case_writeups")
    op.drop_index("ix_case_writeups_organisation_year", table_name="case_writeups")
    op.drop_table("case_writeups")
