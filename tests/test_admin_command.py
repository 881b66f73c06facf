"""/admin in the chat: a one-time login link for staff, a polite refusal for everybody else."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from pydantic import SecretStr

from admin.secret import ensure_secret_key
from admin.tokens import read_login_token
from bot.factory import build_dispatcher
from bot.settings import Settings
from i18n import Translator
from storage import people
from storage.db import Database
from tests.chat import ChatUser
from tests.conftest import ADMIN_ID
from tests.factories import make_invite, make_school

SECRET = "chat-test-secret-0123456789"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=db_url,
        admin_ids=frozenset({ADMIN_ID}),
        web_base_url="https://mentor.example.org",
        secret_key=SecretStr(SECRET),
    )


async def _register(user: ChatUser, code: str | None, name: str) -> None:
    await user.send(f"/start {code}" if code else "/start")
    await user.press(user.last(), "Даю согласие")
    await user.send(name)


async def test_a_curator_gets_a_one_time_link_without_a_preview(
    db: Database, new_user: Callable[..., ChatUser], bot: Bot
) -> None:
    code = await make_invite(db, await make_school(db), "curator")
    vera = new_user("Вера")
    await _register(vera, code, "Кураторова Вера Павловна")
    replies = await vera.send("/admin")
    text = replies[-1].text
    url = re.search(r"https://mentor\.example\.org/admin/login\?token=(\S+)", text)
    assert url, text
    assert "10 минут" in text
    found = read_login_token(SECRET, url.group(1), datetime.now(UTC))
    async with db.connect() as conn:
        person = await people.get_by_telegram_id(conn, vera.user.id)
    assert found is not None and person is not None and found.person_id == person.id
    sent = [r for r in vera.session.requests if r.method == "SendMessage"][-1]
    assert sent.params["link_preview_options"]["is_disabled"] is True


async def test_an_admin_gets_a_link(new_user: Callable[..., ChatUser]) -> None:
    boss = new_user("Босс", user_id=ADMIN_ID)
    await _register(boss, None, "Админов Иван")
    assert "/admin/login?token=" in (await boss.send("/admin"))[-1].text


async def test_participants_and_strangers_are_refused(
    db: Database, new_user: Callable[..., ChatUser]
) -> None:
    code = await make_invite(db, await make_school(db), "mentee")
    pupil = new_user("Петя")
    await _register(pupil, code, "Учеников Пётр")
    for user in (pupil, new_user("Незнакомец")):
        reply = (await user.send("/admin"))[-1].text
        assert "token" not in reply and "куратору, координатору и администратору" in reply


async def test_without_a_secret_the_link_is_not_given(
    db: Database, translator: Translator, bot: Bot, db_url: str
) -> None:
    settings = Settings(_env_file=None, database_url=db_url, admin_ids=frozenset({ADMIN_ID}))  # type: ignore[call-arg]
    dispatcher: Dispatcher = build_dispatcher(settings, db, translator)
    from aiogram.types import User

    boss = ChatUser(
        dispatcher, bot, User(id=ADMIN_ID, is_bot=False, first_name="Б", language_code="ru")
    )
    await _register(boss, None, "Админов Иван")
    assert "недоступен" in (await boss.send("/admin"))[-1].text


def test_the_secret_is_generated_once_and_kept(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "data" / "secret_key"
    bare = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    first = ensure_secret_key(bare, path)
    second = ensure_secret_key(bare, path)
    assert first.secret_key is not None and second.secret_key is not None
    assert first.secret_key.get_secret_value() == second.secret_key.get_secret_value()
    assert path.stat().st_mode & 0o777 == 0o600
    configured = bare.model_copy(update={"secret_key": SecretStr("x" * 20)})
    assert ensure_secret_key(configured, path).secret_key == configured.secret_key
