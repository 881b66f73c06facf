"""Concurrent writes share a transaction, and each caller still learns its own outcome."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.group_commit import WriteJob
from storage.schema import organisations
from storage.types import utcnow


def _add(name: str) -> WriteJob[int]:
    async def job(conn: AsyncConnection) -> int:
        row = {"name": name, "kind": "school", "timezone": "Europe/Moscow", "created_at": utcnow()}
        result = await conn.execute(insert(organisations).values(**row))
        return int(result.inserted_primary_key[0])

    return job


async def _names(db: Database) -> set[str]:
    async with db.connect() as conn:
        return set((await conn.execute(select(organisations.c.name))).scalars())


async def test_concurrent_writes_are_committed_before_their_callers_resume(db: Database) -> None:
    ids = await asyncio.gather(*(db.write(_add(f"Школа {n}")) for n in range(20)))
    assert len(set(ids)) == 20
    assert {f"Школа {n}" for n in range(20)} <= await _names(db)


async def test_a_failing_write_fails_only_its_own_caller(db: Database) -> None:
    async def broken(conn: AsyncConnection) -> None:
        await conn.execute(text("INSERT INTO no_such_table VALUES (1)"))

    results = await asyncio.gather(
        db.write(_add("Первая")), db.write(broken), db.write(_add("Вторая")), return_exceptions=True
    )
    assert isinstance(results[1], Exception)
    assert not isinstance(results[0], Exception) and not isinstance(results[2], Exception)
    assert {"Первая", "Вторая"} <= await _names(db)


async def test_a_single_failing_write_raises(db: Database) -> None:
    async def broken(conn: AsyncConnection) -> None:
        await conn.execute(text("INSERT INTO no_such_table VALUES (1)"))

    with pytest.raises(Exception, match="no_such_table"):
        await db.write(broken)
