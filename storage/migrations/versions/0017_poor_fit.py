"""A pair's poor fit reported in feedback gets its own column, apart from `fit_flag`.

`fit_flag` false meant both "approved with a blocking pair" and "feedback rated the fit
low", and curators' digests showed both as a poor fit. Existing false rows are carried over
as reported (the digest showed them so far), dated at their approval.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pairs") as batch:
        batch.add_column(sa.Column("poor_fit_at", UTCDateTime))
    op.execute("UPDATE pairs SET poor_fit_at = approved_at WHERE NOT fit_flag")


def downgrade() -> None:
    with op.batch_alter_table("pairs") as batch:
        batch.drop_column("poor_fit_at")
