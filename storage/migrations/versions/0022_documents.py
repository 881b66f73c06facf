"""Documents: who signs an organisation's papers (its head's name and position), and the
Word templates an organisation uploads in place of the product's own.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("head_name", sa.String(200), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("head_position", sa.String(200), nullable=False, server_default="")
        )
    op.create_table(
        "document_templates",
        sa.Column(
            "organisation_id",
            sa.Integer,
            sa.ForeignKey("organisations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("people.id", ondelete="SET NULL")),
        sa.Column("uploaded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_templates")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("head_position")
        batch.drop_column("head_name")
