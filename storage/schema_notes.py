"""Notes from third parties (0024): a curator's request for a short note on a mentee's needs
(from a class teacher, the psychologist, a social worker or a parent), the consent it rests
on, and the notes themselves."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = ["note_requests", "notes"]

# One request: who is asked (`author_role`), the answers of the mentee and, for a minor, of
# his parent (None: not answered yet), and, once both agreed, the one-time link's code.
# status: asking / refused / open (the link works) / written.
note_requests = Table(
    "note_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("mentee_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("author_role", String(20), nullable=False),
    Column("requested_by", Integer),
    Column("status", String(20), nullable=False),
    Column("mentee_agrees", Boolean),
    Column("mentee_shows_mentor", Boolean),
    Column("parent_needed", Boolean, nullable=False),
    Column("parent_chat_id", BigInteger),  # the Telegram account that gave the parent's consent
    Column("parent_agrees", Boolean),
    Column("parent_shows_mentor", Boolean),
    Column("code", String(64), unique=True),
    Column("expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_note_requests_mentee_id", note_requests.c.mentee_id)

# A note: written through the link (`author_telegram_id`) or entered by the curator
# (`author_person_id`). `mentor_may_see` is fixed from the consent when it is written.
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("mentee_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("request_id", ForeignKey("note_requests.id", ondelete="SET NULL")),
    Column("author_role", String(20), nullable=False),
    Column("author_person_id", Integer),
    Column("author_telegram_id", BigInteger),
    Column("text", Text, nullable=False),
    Column("mentor_may_see", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_notes_mentee_id", notes.c.mentee_id)
Index("ix_notes_organisation_id", notes.c.organisation_id)
