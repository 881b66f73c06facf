"""The inbox of incoming updates: taken in before Telegram is told, handled once.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("chat_id", sa.BigInteger),
        sa.Column("user_id", sa.BigInteger),
        sa.Column("raw", sa.Text),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_inbox_state_received_at", "inbox", ["state", "received_at"])
    op.create_index("ix_inbox_user_id", "inbox", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_user_id", table_name="inbox")
    op.drop_index("ix_inbox_state_received_at", table_name="inbox")
    op.drop_table("inbox")
