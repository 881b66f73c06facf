"""Persistent FSM storage: aiogram's `BaseStorage` on our database.

A conversation's state and data survive a restart of the process, so a questionnaire or a
registration resumes where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.schema import fsm_states
from storage.types import utcnow

__all__ = ["SQLStorage", "forget_user"]


async def _upsert(conn: AsyncConnection, key: str, user_id: int, **values: Any) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values["updated_at"] = utcnow()
    statement = insert(fsm_states).values(key=key, user_id=user_id, **values)
    await conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_=values))


async def forget_user(conn: AsyncConnection, user_id: int) -> None:
    """Drop every conversation state of a Telegram user (part of /forget)."""
    await conn.execute(delete(fsm_states).where(fsm_states.c.user_id == user_id))


class SQLStorage(BaseStorage):
    """Write-through: every change is written at once; reads are served from memory.

    The cache is right because one process owns the database (DESIGN §2); several bot
    replicas would use a shared storage such as Redis instead (DESIGN §5).
    """

    def __init__(self, db: Database, key_builder: KeyBuilder | None = None) -> None:
        self.db = db
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._cache: dict[str, tuple[str | None, str]] = {}

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        built = self.key_builder.build(key)
        current = await self._row(key)
        async with self.db.begin() as conn:
            await _upsert(conn, built, key.user_id, state=value)
        self._cache[built] = (value, current[1] if current else "{}")

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._row(key)
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        encoded = json.dumps(data, ensure_ascii=False)
        built = self.key_builder.build(key)
        current = await self._row(key)
        async with self.db.begin() as conn:
            await _upsert(conn, built, key.user_id, data=encoded)
        self._cache[built] = (current[0] if current else None, encoded)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._row(key)
        return json.loads(row[1]) if row else {}

    async def close(self) -> None:
        # The database belongs to the application, which disposes of it at shutdown.
        return None

    def forget_user(self, user_id: int) -> None:
        """Drop cached conversations of a user whose rows `forget_user` deleted."""
        marker = f":{user_id}:"
        for cached in [k for k in self._cache if marker in k]:
            del self._cache[cached]

    async def _row(self, key: StorageKey) -> tuple[str | None, str] | None:
        built = self.key_builder.build(key)
        if built in self._cache:
            return self._cache[built]
        query = select(fsm_states.c.state, fsm_states.c.data).where(fsm_states.c.key == built)
        async with self.db.connect() as conn:
            row = (await conn.execute(query)).first()
        value = (row[0], row[1]) if row else (None, "{}")
        self._cache[built] = value
        return value
