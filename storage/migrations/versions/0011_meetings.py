"""Meetings of pairs (встречи пар) and the final meeting of all pairs.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _person(column: str) -> sa.Column[int]:
    return sa.Column(column, sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("pair_id", sa.Integer, sa.ForeignKey("pairs.id", ondelete="CASCADE")),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("starts_at", UTCDateTime, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _person("proposed_by"),
        _person("confirmed_by"),
        sa.Column("cancel_reason", sa.String(300)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_meetings_status_starts_at", "meetings", ["status", "starts_at"])
    op.create_index("ix_meetings_pair_id", "meetings", ["pair_id"])


def downgrade() -> None:
    op.drop_index("ix_meetings_pair_id", table_name="meetings")
    op.drop_index("ix_meetings_status_starts_at", table_name="meetings")
    op.drop_table("meetings")
