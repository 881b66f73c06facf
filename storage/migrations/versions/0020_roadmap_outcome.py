"""Roadmap items say how they were closed: a link to the work that did it, or skipped.

An event of the year (a wave launched, the group meeting recorded, pairs approved by order)
marks its item done with a link to that work; a template imported in the middle of the year
marks the items already past as skipped rather than overdue.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("roadmap_items") as batch:
        batch.add_column(sa.Column("done_link", sa.String(200)))
        batch.add_column(sa.Column("skipped", sa.Boolean, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("roadmap_items") as batch:
        batch.drop_column("skipped")
        batch.drop_column("done_link")
