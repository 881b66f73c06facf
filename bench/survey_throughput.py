"""Answers per second through the real Dispatcher and storage, next to a bare echo bot.

Run: `.venv/bin/python bench/survey_throughput.py [--people 60]`

Both runs feed updates through `Dispatcher.feed_update` with the recording session of
the tests (no network), on a SQLite file. The survey run is the production dispatcher
(middlewares, persistent FSM, event isolation, routers) answering the satisfaction
questionnaire: every button press is parsed, validated by the engine, stored as an answer
and a new state in one transaction, and the next question is sent. The baseline is a bare
aiogram dispatcher whose one handler answers every press with a message. Prints both
rates and the ratio; then, for reference, a bare handler making the survey's three Bot API
calls per answer (answer the press, remove the old keyboard, send the next question with
a 1–10 keyboard) and nothing else, which is the ceiling of the ratio on this stack. The
survey runs a second time through the inbox as production does (bot/inbox.py: each update
stored before it is handled, marked done after), each update taken in alone as a webhook
would, which is the cost of never losing one. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, F
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.factory import build_dispatcher
from bot.i18n import load_translator
from bot.inbox import InboxProcessor
from bot.reply_journal import ReplyJournal
from bot.settings import Settings
from mentoring import registration
from mentoring.invites import create_invite
from mentoring.organisations import create_organisation
from storage import surveys
from storage.db import Database
from storage.migrate import upgrade
from tests.recording import RecordingSession

SURVEY = "satisfaction_mentee"
SKIP_ACTIONS = ("back", "undo", "edit:")
_ids = itertools.count(1)


def _message(user: User, text: str) -> Message:
    entities = (
        [MessageEntity(type="bot_command", offset=0, length=len(text))]
        if text.startswith("/")
        else None
    )
    return Message(
        message_id=next(_ids),
        date=datetime.now(UTC),
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        text=text,
        entities=entities,
    )


def _press(user: User, message: Message, data: str) -> Update:
    query = CallbackQuery(
        id=str(next(_ids)), from_user=user, chat_instance="b", message=message, data=data
    )
    return Update(update_id=next(_ids), callback_query=query)


def _last_keyboard(session: RecordingSession, chat_id: int) -> Message | None:
    for message in reversed(list(session.sent.values())):
        if message.chat.id == chat_id and message.reply_markup is not None:
            return message
    return None


def _choose(message: Message) -> str | None:
    """Submit when possible, else the first answer button (skip for optional text)."""
    buttons = [b.callback_data or "" for row in message.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    for data in buttons:
        if data.endswith("|submit"):
            return data
    for data in buttons:
        action = data.split("|", 3)[-1]
        if not action.startswith(SKIP_ACTIONS):
            return data
    return None


Feed = Callable[[Update], Awaitable[object]]


class _Inbox(InboxProcessor):
    """The inbox as production runs it; `feed` returns once the update is handled."""

    def __init__(self, db: Database, dp: Dispatcher, bot: Bot, journal: Path) -> None:
        super().__init__(db, dp, bot, ReplyJournal(journal))
        self._handled: dict[int, asyncio.Future[None]] = {}

    async def feed(self, update: Update) -> None:
        self._handled[update.update_id] = asyncio.get_running_loop().create_future()
        await self.take_in([update])
        await self._handled[update.update_id]

    async def _handle(self, update: Update) -> None:
        await super()._handle(update)
        self._handled.pop(update.update_id).set_result(None)


async def _answer_all(feed: Feed, bot: Bot, user: User) -> int:
    session: RecordingSession = bot.session  # type: ignore[assignment]
    presses = 0
    await feed(Update(update_id=next(_ids), message=_message(user, "/survey")))
    while True:
        message = _last_keyboard(session, user.id)
        data = _choose(message) if message is not None else None
        if message is None or data is None:
            return presses
        await feed(_press(user, message, data))
        presses += 1
        if data.endswith("|submit"):
            return presses


async def _prepare(db: Database, people: int) -> list[User]:
    organisation = await create_organisation(
        db,
        name="Бенчмарк-школа",
        kind="school",
        municipality="",
        region="",
        timezone="Europe/Moscow",
    )
    invite = await create_invite(
        db,
        organisation_id=organisation.id,
        role="mentee",
        max_uses=None,
        expires_days=None,
        now=datetime.now(UTC),
    )
    users = []
    for n in range(people):
        user = User(id=900_000 + n, is_bot=False, first_name=f"U{n}", language_code="ru")
        outcome = await registration.grant_consent(
            db,
            telegram_id=user.id,
            username=None,
            locale="ru",
            invite_code=invite.code,
            as_admin=False,
            text_version="bench",
            now=datetime.now(UTC),
        )
        assert outcome.person_id is not None
        await registration.complete_registration(
            db, outcome.person_id, f"Участник Бенчмарков {chr(1040 + n % 30)}"
        )
        async with db.begin() as conn:
            await surveys.cancel_pending_for_person(conn, outcome.person_id)  # skip the intake
            await surveys.assign(conn, outcome.person_id, SURVEY)
        users.append(user)
    return users


async def bench_survey(people: int, *, inbox: bool = False) -> tuple[int, float]:
    """`inbox`: each update is stored, handled from the inbox and marked, as in production."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        db = Database(url)
        await upgrade(db)
        users = await _prepare(db, people)
        # Scripted users answer far faster than people: the flood limit would drop them.
        settings = Settings(_env_file=None, database_url=url, flood_rate=0)  # type: ignore[call-arg]
        dp = build_dispatcher(settings, db, load_translator())
        bot = Bot("42:BENCH", session=RecordingSession())
        feed: Feed = partial(dp.feed_update, bot)
        if inbox:
            await (processor := _Inbox(db, dp, bot, Path(tmp) / "replies")).resume()
            feed = processor.feed
        started = time.perf_counter()
        counts = await asyncio.gather(*(_answer_all(feed, bot, user) for user in users))
        elapsed = time.perf_counter() - started
        await db.close()
        return sum(counts), elapsed


async def bench_echo(presses: int, people: int) -> tuple[int, float]:
    dp = Dispatcher()

    @dp.callback_query(F.data)
    async def echo(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.answer(query.data or "")

    bot = Bot("42:ECHO", session=RecordingSession())
    users = [User(id=800_000 + n, is_bot=False, first_name="E") for n in range(people)]
    per_user = max(1, presses // people)

    async def run(user: User) -> int:
        message = _message(user, "/echo")
        for _ in range(per_user):
            await dp.feed_update(bot, _press(user, message, "echo"))
        return per_user

    started = time.perf_counter()
    done = await asyncio.gather(*(run(u) for u in users))
    return sum(done), time.perf_counter() - started


def _scale_keyboard() -> InlineKeyboardMarkup:
    """A keyboard shaped like a survey question's: a 1–10 scale and Back."""
    builder = InlineKeyboardBuilder()
    for n in range(1, 11):
        builder.button(text=str(n), callback_data=f"sv|1|1|pick:{n}")
    builder.button(text="← Назад", callback_data="sv|1|1|back")
    builder.adjust(5, 5, 1)
    return builder.as_markup()


async def bench_replies_only(presses: int, people: int) -> tuple[int, float]:
    """The survey's three Bot API calls per answer with nothing else: the ceiling any survey
    handler on this stack can reach, shown to explain the ratio (no storage, no engine)."""
    dp = Dispatcher()
    keyboard = _scale_keyboard()
    text = "Вопрос 3 из 12. Насколько полезными были встречи с наставником?"
    shown: dict[int, Message] = {}  # the question on screen, per chat

    @dp.callback_query(F.data)
    async def reply(query: CallbackQuery, bot: Bot) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_reply_markup(reply_markup=None)
        chat_id = query.message.chat.id
        shown[chat_id] = await bot.send_message(chat_id, text, reply_markup=keyboard)

    bot = Bot("42:REPLY", session=RecordingSession())
    users = [User(id=700_000 + n, is_bot=False, first_name="R") for n in range(people)]
    per_user = max(1, presses // people)
    for user in users:
        shown[user.id] = await bot.send_message(user.id, text, reply_markup=keyboard)

    async def run(user: User) -> int:
        for _ in range(per_user):
            await dp.feed_update(bot, _press(user, shown[user.id], "sv|1|1|pick:5"))
        return per_user

    started = time.perf_counter()
    done = await asyncio.gather(*(run(u) for u in users))
    return sum(done), time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60)
    args = parser.parse_args()
    answers, survey_s = await bench_survey(args.people)
    echoes, echo_s = await bench_echo(answers, args.people)
    survey_rate, echo_rate = answers / survey_s, echoes / echo_s
    print(
        f"survey: {answers} answers by {args.people} people in {survey_s:.2f} s = {survey_rate:.0f} answers/s"
    )
    print(f"bare aiogram echo: {echoes} presses in {echo_s:.2f} s = {echo_rate:.0f} updates/s")
    print(f"ratio survey/echo: {survey_rate / echo_rate:.2f} (goal >= 0.50)")
    inboxed, inbox_s = await bench_survey(args.people, inbox=True)
    inbox_rate = inboxed / inbox_s
    print(
        f"survey through the inbox (stored, handled, marked done): {inbox_rate:.0f} answers/s, "
        f"ratio {inbox_rate / echo_rate:.2f} of echo, {inbox_rate / survey_rate:.2f} of direct"
    )
    replies, replies_s = await bench_replies_only(answers, args.people)
    replies_rate = replies / replies_s
    print(
        f"reference, the same three replies and nothing else: {replies_rate:.0f} updates/s, "
        f"ratio {replies_rate / echo_rate:.2f} of echo (the ceiling of any survey handler here)"
    )


if __name__ == "__main__":
    asyncio.run(main())
