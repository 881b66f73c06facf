"""Case write-ups (0025): what a mentor wrote about his pair's (group's) result at the end
of the programme, one per pair and school year, and the curator's choice of the best as
cases (кейсы наставничества)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Table, Text, UniqueConstraint

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = ["case_writeups"]

# `year`: the school year's first calendar year (2026 = 2026/27). `photos`: Telegram
# file_ids, at most three. `selected_at`: set while the curator holds it as a case.
case_writeups = Table(
    "case_writeups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("pair_id", ForeignKey("pairs.id", ondelete="CASCADE"), nullable=False),
    Column("mentor_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("goal", Text, nullable=False),
    Column("work", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("photos", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("selected_at", UTCDateTime),
    Column("selected_by", ForeignKey("people.id", ondelete="SET NULL")),
    UniqueConstraint("pair_id", "year", name="uq_case_writeups_pair_year"),
)
Index("ix_case_writeups_organisation_year", case_writeups.c.organisation_id, case_writeups.c.year)
Index("ix_case_writeups_mentor_id", case_writeups.c.mentor_id)
