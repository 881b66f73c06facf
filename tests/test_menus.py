"""Each person's «/» menu and /help follow his roles (issue 12, «Roles find their way»)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage import people as people_store
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite, make_school

NewUser = Callable[..., ChatUser]

CURATOR_COMMANDS = {"pairs", "stats", "meeting", "meetings", "roadmap", "admin"}


def _menu(user: ChatUser) -> list[str]:
    last: dict[str, Any] = user.session.of("SetMyCommands")[-1]
    assert last["scope"] == {"type": "chat", "chat_id": user.user.id}
    return [c["command"] for c in last["commands"]]


async def _register(db: Database, user: ChatUser, school: int, role: str, name: str) -> None:
    code = await make_invite(db, school, role)
    await user.press((await user.send(f"/start {code}"))[-1], "Даю согласие")
    await user.send(name)


async def test_curator_menu_and_help_list_every_staff_command(
    db: Database, new_user: NewUser
) -> None:
    zoya = new_user("Зоя")
    await _register(db, zoya, await make_school(db), "curator", "Зотова Зоя")
    assert set(_menu(zoya)) >= CURATOR_COMMANDS
    help_text = (await zoya.send("/help"))[-1].text or ""
    for name in _menu(zoya):  # the menu and /help come from one table
        assert f"/{name} — " in help_text
    assert "Куратору" in help_text and "Для всех" in help_text


async def test_coordinator_help_names_commands(db: Database, new_user: NewUser) -> None:
    kira = new_user("Кира")
    await _register(db, kira, await make_school(db), "coordinator", "Киреева Кира")
    assert _menu(kira)[:2] == ["stats", "admin"]
    help_text = (await kira.send("/help"))[-1].text or ""
    assert "/stats — Показатели и отчёт" in help_text
    assert "/admin — Вход в веб-кабинет" in help_text


async def test_mentee_menu_has_no_staff_commands(db: Database, new_user: NewUser) -> None:
    anna = new_user("Анна")
    await _register(db, anna, await make_school(db), "mentee", "Иванова Анна")
    assert _menu(anna) == ["survey", "plan", "meetings", "help", "me", "language", "forget"]
    help_text = (await anna.send("/help"))[-1].text or ""
    assert "/plan — Персонализированная программа" in help_text
    assert "/admin" not in help_text and "/pairs" not in help_text


async def test_a_second_role_reaches_the_menu_at_the_next_message(
    db: Database, new_user: NewUser
) -> None:
    school = await make_school(db)
    olga = new_user("Ольга")
    await _register(db, olga, school, "mentor", "Орлова Ольга")
    assert "pairs" not in _menu(olga)
    async with db.begin() as conn:  # e.g. the back office makes her the curator too
        person = await people_store.get_by_telegram_id(conn, olga.user.id)
        assert person is not None
        await people_store.add_membership(conn, person.id, school, "curator")
    calls = len(olga.session.of("SetMyCommands"))
    await olga.send("/me")
    assert {"pairs", "admin", "plan"} <= set(_menu(olga))
    await olga.send("/me")
    assert len(olga.session.of("SetMyCommands")) == calls + 1, "set once, not on every message"


async def test_forget_returns_the_default_menu(db: Database, new_user: NewUser) -> None:
    anna = new_user("Анна")
    await _register(db, anna, await make_school(db), "mentee", "Иванова Анна")
    confirm = (await anna.send("/forget"))[-1]
    await anna.press(confirm, "Да, удалить мои данные")
    deleted = anna.session.of("DeleteMyCommands")
    assert deleted and deleted[-1]["scope"] == {"type": "chat", "chat_id": anna.user.id}
