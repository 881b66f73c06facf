"""PostgreSQL's id sequences after rows were written with their ids given (a copy, the
demo's bulk writes): moved past the highest id, or the next plain insert would collide.
SQLite takes the next id from the table itself and needs nothing."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["advance_sequences"]


async def advance_sequences(conn: AsyncConnection, tables: Iterable[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0].name
        sequence = (
            await conn.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column},
            )
        ).scalar_one_or_none()
        if sequence is None:
            continue
        await conn.execute(
            text(
                f"SELECT setval(:sequence, COALESCE((SELECT MAX({column}) FROM {table.name}), 0)"
                " + 1, false)"
            ),
            {"sequence": sequence},
        )
