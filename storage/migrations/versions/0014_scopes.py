"""Coordinators of a municipality or region: the invite's and the person's coverage.

Revision ID: 0014
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invite_coverage",
        sa.Column(
            "invite_id",
            sa.Integer,
            sa.ForeignKey("invites.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("municipality", sa.String(200)),
        sa.Column("region", sa.String(200)),
    )
    op.create_table(
        "coordinator_coverage",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("municipality", sa.String(200)),
        sa.Column("region", sa.String(200)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            "person_id", "municipality", "region", name="uq_coordinator_coverage_area"
        ),
    )
    op.create_index("ix_organisations_municipality", "organisations", ["municipality"])
    op.create_index("ix_organisations_region", "organisations", ["region"])
    op.create_index(
        "ix_survey_waves_organisation_code", "survey_waves", ["organisation_id", "survey_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_survey_waves_organisation_code", "survey_waves")
    op.drop_index("ix_organisations_region", "organisations")
    op.drop_index("ix_organisations_municipality", "organisations")
    op.drop_table("coordinator_coverage")
    op.drop_table("invite_coverage")
