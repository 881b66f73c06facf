"""A parent's consent records the Telegram account it was given from.

The typed name alone could be anyone's, the child's included; the account that pressed
"agree" is kept beside it (NULL for consents given before this, on paper, or by the person
himself, and cleared again by /forget).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("granted_by_telegram_id", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("granted_by_telegram_id")
