from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import User

from bot.factory import build_dispatcher
from bot.settings import Settings
from i18n import Translator, load_translator
from sandbox import SandboxServer
from storage.db import Database
from storage.migrate import upgrade
from tests.admin_web import AdminWeb, admin_web
from tests.chat import ChatUser
from tests.recording import RecordingSession

ADMIN_ID = 777000
_user_ids = itertools.count(5001)


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    """The Bot API sandbox on a free port of 127.0.0.1, stopped after the test."""
    async with SandboxServer() as server:
        yield server


@pytest.fixture(scope="session")
def translator() -> Translator:
    return load_translator()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await upgrade(database)
    yield database
    await database.close()


@pytest.fixture
async def web(db: Database, translator: Translator) -> AsyncIterator[AdminWeb]:
    async with admin_web(db, translator) as env:
        yield env


@pytest.fixture
def settings(db_url: str) -> Settings:
    # Tests tap faster than any person: the flood limit and the heavy buttons' cooldown are
    # off here and on in tests/test_flood.py, which moves a FakeClock by hand.
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=db_url,
        admin_ids=frozenset({ADMIN_ID}),
        flood_rate=0,
        heavy_cooldown=0,
    )


@pytest.fixture
def dispatcher(settings: Settings, db: Database, translator: Translator) -> Dispatcher:
    return build_dispatcher(settings, db, translator)


@pytest.fixture
def bot() -> Bot:
    return Bot("42:TEST", session=RecordingSession())


@pytest.fixture
def new_user(dispatcher: Dispatcher, bot: Bot) -> Callable[..., ChatUser]:
    def make(
        first_name: str = "Анна", language_code: str = "ru", user_id: int | None = None
    ) -> ChatUser:
        user = User(
            id=user_id or next(_user_ids),
            is_bot=False,
            first_name=first_name,
            username=f"user{first_name.lower()}",
            language_code=language_code,
        )
        return ChatUser(dispatcher, bot, user)

    return make
