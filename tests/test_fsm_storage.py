"""The persistent FSM storage honours aiogram's storage contract and survives a reopen."""

from __future__ import annotations

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from bot.fsm_storage import SQLStorage
from storage.conversations import forget_user
from storage.db import Database
from storage.migrate import upgrade


class Form(StatesGroup):
    name = State()


def key(chat: int = 1, user: int = 1, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=42, chat_id=chat, user_id=user, destiny=destiny)


@pytest.fixture
def storage(db: Database) -> SQLStorage:
    return SQLStorage(db)


async def test_set_and_get_state(storage: SQLStorage) -> None:
    assert await storage.get_state(key()) is None
    await storage.set_state(key(), "state")
    assert await storage.get_state(key()) == "state"
    await storage.set_state(key(), Form.name)
    assert await storage.get_state(key()) == "Form:name"
    await storage.set_state(key(), None)
    assert await storage.get_state(key()) is None


async def test_set_get_and_update_data(storage: SQLStorage) -> None:
    assert await storage.get_data(key()) == {}
    await storage.set_data(key(), {"foo": "bar", "ru": "тест"})
    assert await storage.get_data(key()) == {"foo": "bar", "ru": "тест"}
    assert await storage.get_value(key(), "foo") == "bar"
    assert await storage.get_value(key(), "missing", "default") == "default"
    assert await storage.update_data(key(), {"baz": 1}) == {"foo": "bar", "ru": "тест", "baz": 1}
    assert await storage.get_data(key()) == {"foo": "bar", "ru": "тест", "baz": 1}
    await storage.set_data(key(), {})
    assert await storage.get_data(key()) == {}


async def test_data_must_be_a_dict(storage: SQLStorage) -> None:
    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(key(), [1, 2])  # type: ignore[arg-type]


async def test_state_and_data_are_independent(storage: SQLStorage) -> None:
    await storage.set_data(key(), {"a": 1})
    await storage.set_state(key(), "s")
    assert await storage.get_data(key()) == {"a": 1}
    await storage.set_data(key(), {"b": 2})
    assert await storage.get_state(key()) == "s"


async def test_keys_are_per_chat_user_and_destiny(storage: SQLStorage) -> None:
    await storage.set_state(key(chat=1, user=1), "one")
    await storage.set_state(key(chat=2, user=1), "two")
    await storage.set_state(key(chat=1, user=2), "three")
    await storage.set_state(key(chat=1, user=1, destiny="other"), "four")
    assert await storage.get_state(key(chat=1, user=1)) == "one"
    assert await storage.get_state(key(chat=2, user=1)) == "two"
    assert await storage.get_state(key(chat=1, user=2)) == "three"
    assert await storage.get_state(key(chat=1, user=1, destiny="other")) == "four"


async def test_survives_a_restart_and_close(db_url: str) -> None:
    first = Database(db_url)
    await upgrade(first)
    storage = SQLStorage(first)
    await storage.set_state(key(), "Form:name")
    await storage.set_data(key(), {"invite": "abc"})
    await storage.close()
    await first.close()

    second = Database(db_url)
    reopened = SQLStorage(second)
    assert await reopened.get_state(key()) == "Form:name"
    assert await reopened.get_data(key()) == {"invite": "abc"}
    async with second.begin() as conn:
        await forget_user(conn, 1)
    reopened.forget_user(1)
    assert await reopened.get_state(key()) is None
    assert await SQLStorage(second).get_state(key()) is None, "gone from the database too"
    await second.close()
