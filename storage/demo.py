"""Bulk writes for the demo programme (mentorbot demo-data) and the stats benchmark.

Demo people carry negative telegram ids: no real Telegram user has one, so a database
with any non-negative id holds real people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import metadata, people
from storage.sequences import advance_sequences

__all__ = ["BULK_TABLES", "insert_rows", "next_ids", "real_people_count"]

# In dependency order: a table's rows may name ids of the tables before it.
BULK_TABLES = (
    "organisations",
    "headcounts",
    "people",
    "memberships",
    "pairs",
    "pair_mentees",
    "plans",
    "meetings",
    "survey_waves",
    "survey_assignments",
    "responses",
    "answers",
)
_WITH_ID = tuple(t for t in BULK_TABLES if "id" in metadata.tables[t].c)


async def real_people_count(conn: AsyncConnection) -> int:
    query = select(func.count()).select_from(people).where(people.c.telegram_id >= 0)
    return int((await conn.execute(query)).scalar_one())


async def next_ids(conn: AsyncConnection) -> dict[str, int]:
    """The first free id of every bulk table with an integer key, so rows can name each other."""
    found = {}
    for name in _WITH_ID:
        table = metadata.tables[name]
        top = (await conn.execute(select(func.max(table.c.id)))).scalar_one()
        found[name] = int(top or 0) + 1
    return found


async def insert_rows(conn: AsyncConnection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """One executemany; the caller sends rows in chunks of a few thousand."""
    if rows:
        await conn.execute(insert(metadata.tables[table]), list(rows))
        if "id" in rows[0]:
            await advance_sequences(conn, [metadata.tables[table]])
