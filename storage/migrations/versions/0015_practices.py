"""Best mentoring practices (лучшие практики наставничества) reported per quarter.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("quarter", sa.String(7), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_practices_organisation_quarter", "practices", ["organisation_id", "quarter"]
    )


def downgrade() -> None:
    op.drop_index("ix_practices_organisation_quarter", table_name="practices")
    op.drop_table("practices")
