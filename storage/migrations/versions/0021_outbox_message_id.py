"""The outbox remembers the Telegram id of a delivered message (its last part, the one with
the buttons), so that an invitation can later be edited: its buttons taken away and a line
saying what became of the meeting (confirmed, declined, cancelled, moved).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("message_id", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("message_id")
