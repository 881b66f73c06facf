"""Conversations in the database (storage/conversations.py) and how the FSM storage reads
them: a chat with no conversation costs no read, one from before a restart is read once."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event

from bot.fsm_storage import SQLStorage
from storage import conversations
from storage.db import Database
from tests.pg import PgTemplate


def key(chat: int = 1, user: int = 1) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=chat, user_id=user, destiny="default")


@pytest.fixture
def selects(db: Database) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def test_state_and_data_by_key(db: Database) -> None:
    async with db.begin() as conn:
        assert await conversations.read(conn, "fsm:1:1:default") == conversations.Conversation()
        await conversations.write_state(conn, "fsm:1:1:default", 1, "Registration:name")
        await conversations.write_data(conn, "fsm:1:1:default", 1, {"invite": "абв"})
        await conversations.write_state(conn, "fsm:2:2:default", 2, None)
        await conversations.write_data(conn, "fsm:2:2:default", 2, {})
    async with db.connect() as conn:
        stored = await conversations.read(conn, "fsm:1:1:default")
        assert stored == conversations.Conversation("Registration:name", {"invite": "абв"})
        assert await conversations.open_keys(conn) == {"fsm:1:1:default"}, "empty ones are not"


async def test_forget_user_drops_every_conversation_of_his(db: Database) -> None:
    async with db.begin() as conn:
        await conversations.write_state(conn, "fsm:1:1:default", 1, "A:a")
        await conversations.write_state(conn, "fsm:1:1:other", 1, "B:b")
        await conversations.write_state(conn, "fsm:3:3:default", 3, "C:c")
        await conversations.forget_user(conn, 1)
    async with db.connect() as conn:
        assert await conversations.open_keys(conn) == {"fsm:3:3:default"}


@pytest.mark.sqlite_only  # the cache of one process; replicas read every time
async def test_a_chat_without_a_conversation_costs_no_read(
    db: Database, selects: list[str]
) -> None:
    storage = SQLStorage(db)
    for chat in range(1, 6):
        assert await storage.get_state(key(chat, chat)) is None
        assert await storage.get_data(key(chat, chat)) == {}
    assert len(selects) == 1, "which keys have a conversation, once"


@pytest.mark.sqlite_only  # the cache of one process; replicas read every time
async def test_a_conversation_from_before_a_restart_is_read_once(
    db: Database, selects: list[str]
) -> None:
    await SQLStorage(db).set_data(key(7, 7), {"invite": "abc"})
    await SQLStorage(db).set_state(key(8, 8), "Registration:name")
    restarted = SQLStorage(db)
    selects.clear()
    for _ in range(3):
        assert await restarted.get_data(key(7, 7)) == {"invite": "abc"}
        assert await restarted.get_state(key(7, 7)) is None
        assert await restarted.get_state(key(8, 8)) == "Registration:name"
    assert len(selects) == 3, "the open keys, then each conversation once"


async def test_data_handed_out_is_a_copy(db: Database) -> None:
    storage = SQLStorage(db)
    await storage.set_data(key(), {"chosen": [1]})
    (await storage.get_data(key()))["chosen"].append(2)
    assert await storage.get_data(key()) == {"chosen": [1]}


async def test_replicas_see_each_others_conversation(postgres: PgTemplate) -> None:
    """On a shared database a user's next update may reach another replica: what one
    replica's storage set, the other's reads at once (no cache between them)."""
    url = postgres.fresh_database()
    first, second = Database(url), Database(url)
    try:
        a, b = SQLStorage(first), SQLStorage(second)
        key = StorageKey(bot_id=1, chat_id=5, user_id=5)
        assert await b.get_state(key) is None
        await a.set_state(key, "Registration:consent")
        await a.set_data(key, {"invite": 7})
        assert await b.get_state(key) == "Registration:consent"
        assert await b.get_data(key) == {"invite": 7}
        await b.set_state(key, "Registration:name")
        assert await a.get_state(key) == "Registration:name"
    finally:
        await first.close()
        await second.close()
