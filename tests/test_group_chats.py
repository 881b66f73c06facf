"""Group chats and channels see nothing personal: every command of every role, plain text
and button presses from a supergroup get one pointer to the private chat, and nothing else."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from aiogram import Bot, Dispatcher
from aiogram.filters import Command
from aiogram.types import (
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    Update,
)
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.callbacks import MeetingKindCallback, StatsCallback, SurveyCallback
from bot.commands import commands_for
from bot.settings import Settings
from handlers.admin import cmd_admin
from i18n import Translator
from mentoring.people.parental import ensure_parent_code
from storage import people as people_store
from storage.db import Database
from storage.people import ROLES
from storage.schema import answers, consents, people, responses
from tests.chat import ChatUser
from tests.conftest import ADMIN_ID
from tests.factories import make_approved_pair, make_invite, make_member, make_school
from tests.recording import BOT_USER

NewUser = Callable[..., ChatUser]
_membership_updates = itertools.count(900_000)
GROUP = Chat(id=-1001234567890, type="supergroup", title="Родители 7 Б")
POINTER = "t.me/mentor_test_bot"


@pytest.fixture
def settings(db_url: str) -> Settings:
    # With a secret key, so that /admin would give a working login link.
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=db_url,
        admin_ids=frozenset({ADMIN_ID}),
        web_base_url="https://mentor.example.org",
        secret_key=SecretStr("group-test-secret-0123456789"),
        flood_rate=0,  # dozens of commands a second: the flood limit is tests/test_flood.py's
    )


def all_commands(dispatcher: Dispatcher) -> list[str]:
    """Every command some handler answers, and every command some role's menu shows."""
    found: list[str] = commands_for(ROLES)
    for router in dispatcher.chain_tail:
        for handler in router.message.handlers:
            for flt in handler.filters or ():
                if isinstance(flt.callback, Command):
                    found += [c for c in flt.callback.commands if isinstance(c, str)]
    return sorted(set(found) | {"start"})


async def table_sizes(db: Database) -> dict[str, int]:
    async with db.connect() as conn:
        return {
            table.name: int((await conn.execute(select(func.count()).select_from(table))).scalar())
            for table in (answers, responses, people, consents)
        }


async def school_with_everyone(db: Database, new_user: NewUser) -> tuple[dict[str, ChatUser], int]:
    """Every role, an approved pair, a minor without a parent's consent, and a pupil
    halfway through the intake; also the minor's person id."""
    school = await make_school(db)
    users = {
        "admin": new_user("Босс", user_id=ADMIN_ID),
        "curator": new_user("Елена"),
        "coordinator": new_user("Ольга"),
        "mentor": new_user("Марина"),
        "mentee": new_user("Аня"),
    }
    ids = {
        "admin": await make_member(db, ADMIN_ID, "Админова Ирина", None, "admin"),
        "curator": await make_member(
            db, users["curator"].user.id, "Кураторова Елена", school, "curator"
        ),
        "coordinator": await make_member(
            db, users["coordinator"].user.id, "Координаторова Ольга", school, "coordinator"
        ),
        "mentor": await make_member(
            db, users["mentor"].user.id, "Смирнова Марина", school, "mentor"
        ),
        "mentee": await make_member(db, users["mentee"].user.id, "Аннова Анна", school, "mentee"),
    }
    await make_approved_pair(db, school, ids["mentor"], ids["mentee"])
    # A minor without a parent's consent, for /consents.
    async with db.begin() as conn:
        await people_store.set_birth_date(conn, ids["mentee"], date(date.today().year - 14, 1, 1))
    # A pupil halfway through the intake, at a number question: typed text would be an answer.
    pupil = new_user("Петя")
    await pupil.press(
        (await pupil.send(f"/start {await make_invite(db, school, 'mentee')}"))[-1], "Даю согласие"
    )
    await pupil.send("Учеников Пётр")
    await pupil.tap("Студент колледжа или вуза")
    assert "курсе" in (pupil.last().text or "")
    users["pupil"] = pupil
    return users, ids["mentee"]


NAMES = ("Админова", "Кураторова", "Координаторова", "Смирнова", "Аннова", "Учеников", "Пётр")


async def test_a_supergroup_gets_one_pointer_and_nothing_personal(
    db: Database, new_user: NewUser, dispatcher: Dispatcher, bot: Bot
) -> None:
    users, minor = await school_with_everyone(db, new_user)
    commands = all_commands(dispatcher)
    assert {"admin", "consents", "pairs", "me", "plan", "stats", "responses"} <= set(commands)
    before_sizes = await table_sizes(db)
    session = users["pupil"].session
    before = len(session.requests)
    invite = await make_invite(db, await make_school(db, "Школа 2"), "mentee")
    parent_code = await ensure_parent_code(db, minor, datetime.now(UTC))

    for user in users.values():
        member = user.in_chat(GROUP)
        for command in commands:
            await member.send(f"/{command}")
            await member.send(f"/{command}@{BOT_USER.username}")
        await member.send(f"/start {invite}")
        await member.send(f"/start {parent_code}")
        await member.send("2")  # the pupil's course, were it taken as an answer
        await member.send("Иванова Мария, 7 Б")
        await member.send_sticker()
        group_message = Message(
            message_id=1, date=datetime.now(UTC), chat=GROUP, from_user=BOT_USER, text="…"
        )
        for data in (
            StatsCallback(action="xlsx").pack(),
            MeetingKindCallback(kind="intro").pack(),
            SurveyCallback(r=1, s=1, a="opt:student").pack(),
        ):
            await member.press_data(group_message, data)

    requests = session.requests[before:]
    posted = [r for r in requests if r.method.startswith(("Send", "Edit"))]
    assert [r.params["chat_id"] for r in posted] == [GROUP.id]  # nothing anywhere else
    [pointer] = [str(r.params.get("text")) for r in posted]
    assert POINTER in pointer and "личн" in pointer
    alerts = [r.params for r in requests if r.method == "AnswerCallbackQuery"]
    assert len(alerts) == 3 * len(users) and all(a.get("show_alert") for a in alerts)
    for text in [pointer] + [str(a.get("text")) for a in alerts]:
        assert "http" not in text and "/admin/login" not in text and "token" not in text
        assert not re.search(r"\d", text.replace(POINTER, "")), text  # no school figure
        assert not any(name in text for name in NAMES), text
    assert {r.params["chat_id"] for r in requests if r.method == "LeaveChat"} == {GROUP.id}
    assert await table_sizes(db) == before_sizes  # no answer, response, person or consent


def membership(chat: Chat, user: ChatUser, *, joined: bool) -> Update:
    old, new = ChatMemberLeft(user=BOT_USER), ChatMemberMember(user=BOT_USER)
    return Update(
        update_id=next(_membership_updates),
        my_chat_member=ChatMemberUpdated(
            chat=chat,
            from_user=user.user,
            date=datetime.now(UTC),
            old_chat_member=old if joined else new,
            new_chat_member=new if joined else old,
        ),
    )


async def test_added_to_a_group_the_bot_points_once_and_leaves_a_channel_silently(
    new_user: NewUser, dispatcher: Dispatcher, bot: Bot
) -> None:
    teacher = new_user("Вера")
    session = teacher.session
    channel = Chat(id=-1009876543210, type="channel", title="Новости школы")
    for chat in (GROUP, channel, GROUP):
        await dispatcher.feed_update(bot, membership(chat, teacher, joined=True))
    await teacher.in_chat(GROUP).send("/stats")
    sent = session.of("SendMessage")
    assert [m["chat_id"] for m in sent] == [GROUP.id] and POINTER in sent[0]["text"]
    left = [r["chat_id"] for r in session.of("LeaveChat")]
    assert left == [GROUP.id, channel.id, GROUP.id, GROUP.id]


async def test_a_login_link_goes_only_to_its_owners_private_chat(
    db: Database, new_user: NewUser, bot: Bot, settings: Settings, translator: Translator
) -> None:
    """The rule holds in the handler itself, not only in the router's filter."""
    curator = new_user("Елена")
    await make_member(db, curator.user.id, "Кураторова Елена", await make_school(db), "curator")
    async with db.connect() as conn:
        person = await people_store.get_by_telegram_id(conn, curator.user.id)
    for chat in (GROUP, Chat(id=curator.user.id + 1, type="private")):
        message = Message(
            message_id=7,
            date=datetime.now(UTC),
            chat=chat,
            from_user=curator.user,
            text="/admin",
        ).as_(bot)
        await cmd_admin(message, person, settings, translator.bind("ru"))
    assert not [m for m in curator.session.of("SendMessage") if "token" in str(m.get("text"))]
