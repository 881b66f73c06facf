"""Conversations (диалоги) in the database: a state name and a data dict per key, so that a
questionnaire or a registration resumes where it stopped after a restart.

The front door builds the key (one per chat, user and purpose); `user_id` is kept beside it
so that /forget finds every conversation of a person.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import fsm_states
from storage.types import utcnow

__all__ = ["Conversation", "forget_user", "open_keys", "read", "write_data", "write_state"]

EMPTY_DATA = "{}"


@dataclass(frozen=True, slots=True)
class Conversation:
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


async def read(conn: AsyncConnection, key: str) -> Conversation:
    """The conversation under `key`; with no state and no data when there is none."""
    query = select(fsm_states.c.state, fsm_states.c.data).where(fsm_states.c.key == key)
    row = (await conn.execute(query)).first()
    return Conversation(row.state, json.loads(row.data)) if row else Conversation()


async def open_keys(conn: AsyncConnection) -> set[str]:
    """The keys of every conversation with a state or data: any other key has neither."""
    result = await conn.execute(
        select(fsm_states.c.key).where(
            or_(fsm_states.c.state.is_not(None), fsm_states.c.data != EMPTY_DATA)
        )
    )
    return set(result.scalars())


async def _upsert(conn: AsyncConnection, key: str, user_id: int, **values: Any) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values["updated_at"] = utcnow()
    statement = insert(fsm_states).values(key=key, user_id=user_id, **values)
    await conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_=values))


async def write_state(conn: AsyncConnection, key: str, user_id: int, state: str | None) -> None:
    await _upsert(conn, key, user_id, state=state)


async def write_data(
    conn: AsyncConnection, key: str, user_id: int, data: Mapping[str, Any]
) -> None:
    await _upsert(conn, key, user_id, data=json.dumps(data, ensure_ascii=False))


async def forget_user(conn: AsyncConnection, user_id: int) -> None:
    """Drop every conversation of a Telegram user (part of /forget)."""
    await conn.execute(delete(fsm_states).where(fsm_states.c.user_id == user_id))
