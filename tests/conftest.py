from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
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
from tests.pg import PgTemplate, activate, database_url, pg_template
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


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgTemplate]:
    """A throwaway PostgreSQL server for the session (Debian's binaries, data in a temp
    dir), with a migrated template database. Skipped when PostgreSQL is not installed,
    except with CI=true, where that fails (`make postgres` installs it)."""
    with pg_template() as template:
        yield template


@pytest.fixture(scope="session", autouse=True)
def pg_server(request: pytest.FixtureRequest) -> PgTemplate | None:
    """The suite's database: PostgreSQL with MENTORBOT_TEST_DATABASE=postgresql, for every
    test that asks for `db_url` or `tests.pg.database_url`; SQLite files otherwise."""
    if os.environ.get("MENTORBOT_TEST_DATABASE") != "postgresql":
        return None
    template: PgTemplate = request.getfixturevalue("postgres")
    activate(template)
    return template


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return database_url(tmp_path)


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


def _touches_a_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    if "postgres" in names:
        return False  # starts its own PostgreSQL: already run in the SQLite pass
    if item.nodeid.startswith("tests/test_browser_"):
        return False  # the pages in a browser: the back office's own tests run on both
    if "db_url" in names:
        return True
    module = getattr(item, "module", None)
    source = getattr(module, "__file__", None)
    return bool(source) and "database_url(" in Path(source).read_text(encoding="utf-8")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs what touches a database; the rest ran in the SQLite pass."""
    if os.environ.get("MENTORBOT_TEST_DATABASE") != "postgresql":
        return
    keep = [
        item
        for item in items
        if _touches_a_database(item) and item.get_closest_marker("sqlite_only") is None
    ]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
