"""Replicas: which process took an update into the inbox, so that a restarted replica
takes back its own unfinished updates at once and leaves other replicas' in flight.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("taken_by", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("taken_by")
