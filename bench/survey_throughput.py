"""Answers per second through the real Dispatcher and storage, next to the reply-only ceiling.

Run: `.venv/bin/python bench/survey_throughput.py [--people 60] [--rounds 7 | --long]`
(under a minute by default; `--long` takes 25 rounds, about three minutes).

Every measure feeds updates through `Dispatcher.feed_update` with the recording session of
the tests (no network):
- ceiling: a bare handler making the survey's three Bot API calls per answer (answer the
  press, remove the old keyboard, send the next question with a 1–10 keyboard) and nothing
  else, the most any survey handler on this stack can reach;
- survey: the production dispatcher (middlewares, persistent FSM, event isolation, routers)
  answering the satisfaction questionnaire on a SQLite file: every press is parsed,
  validated by the engine, stored as an answer and a new state in a committed transaction
  (shared with other people's answers), and only then is the next question sent;
- inbox: the same through the inbox as production runs it (bot/inbox.py: each update stored
  before it is handled, marked done after), each update taken in alone as a webhook would;
- echo: a bare aiogram dispatcher whose one handler answers every press with a message.

The machine is shared, so one run proves little: the measures run in interleaved rounds
(each round in a different order), every survey run on a fresh copy of one prepared
database, and the summary gives medians with their spread, of the rates and of the ratios
taken within each round. Rates per CPU second of this process are printed beside the
wall-clock ones: other processes sway them less. Even so the ratio moves between sessions
on a shared machine (by up to a fifth): compare changes in alternating runs, not with a
figure from another day. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, F
from aiogram.methods import TelegramMethod
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
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.factory import build_dispatcher
from bot.inbox import InboxProcessor
from bot.reply_journal import ReplyJournal
from bot.settings import Settings
from i18n import load_translator
from mentoring.people import registration
from mentoring.people.invites import create_invite
from mentoring.people.organisations import create_organisation
from storage import surveys
from storage.db import Database
from storage.migrate import upgrade
from storage.transfer import copy_database
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


class _Session(RecordingSession):
    """Keeps each chat's messages that still carry a keyboard, so that finding the one to
    press costs the harness as little at the thousandth answer as at the first."""

    def __init__(self) -> None:
        super().__init__()
        self.keyboards: dict[int, dict[int, Message]] = {}

    def _answer(self, method: TelegramMethod[Any], params: dict[str, Any]) -> Any:
        result = super()._answer(method, params)
        if isinstance(result, Message):
            shown = self.keyboards.setdefault(result.chat.id, {})
            if result.reply_markup is None:
                shown.pop(result.message_id, None)
            else:
                shown[result.message_id] = result
        return result


def _last_keyboard(session: _Session, chat_id: int) -> Message | None:
    return next(reversed(session.keyboards.get(chat_id, {}).values()), None)


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


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    seconds: float
    cpu_seconds: float  # of this process, all threads (SQLite works in aiosqlite's)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @property
    def per_cpu_second(self) -> float:
        """Less swayed by other processes on the machine than the wall-clock rate."""
        return self.count / self.cpu_seconds


async def _timed(work: Awaitable[list[int]]) -> Rate:
    wall, cpu = time.perf_counter(), time.process_time()
    counts = await work
    return Rate(sum(counts), time.perf_counter() - wall, time.process_time() - cpu)


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
    session: _Session = bot.session  # type: ignore[assignment]
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


async def prepare_template(path: Path, people: int) -> list[User]:
    """A database with `people` registered mentees, each with the questionnaire queued.
    Every survey run answers on a fresh copy of it, so the rounds are alike."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade(db)
    users = await _prepare(db, people)
    async with db.connect() as conn:  # everything into the main file, so a copy is whole
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    await db.close()
    return users


Fresh = Callable[[], AbstractAsyncContextManager[str]]


def sqlite_copies(template: Path) -> Fresh:
    @asynccontextmanager
    async def fresh() -> AsyncIterator[str]:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copyfile(template, Path(tmp) / "bench.db")
            yield f"sqlite+aiosqlite:///{tmp}/bench.db"

    return fresh


def postgres_copies(url: str) -> Fresh:
    """A new database per run, made from `url`'s (CREATE DATABASE … TEMPLATE) and dropped."""
    parsed = make_url(url)
    runs = itertools.count(1)

    @asynccontextmanager
    async def fresh() -> AsyncIterator[str]:
        name = f"{parsed.database}_run{next(runs)}"
        server = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            async with server.connect() as conn:
                await conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            async with server.connect() as conn:
                await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await server.dispose()

    return fresh


async def fill_postgres(template: Path, url: str) -> None:
    """The SQLite template copied into the (empty) PostgreSQL database, with `db copy`'s code."""
    source, target = Database(f"sqlite+aiosqlite:///{template}"), Database(url)
    try:
        await upgrade(target)
        await copy_database(source, target)
    finally:
        await source.close()
        await target.close()


async def bench_survey(fresh: Fresh, users: list[User], *, inbox: bool = False) -> Rate:
    """`inbox`: each update is stored, handled from the inbox and marked, as in production."""
    async with fresh() as url:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(url)
            # Scripted users answer far faster than people: the flood limit would drop them.
            settings = Settings(_env_file=None, database_url=url, flood_rate=0)  # type: ignore[call-arg]
            dp = build_dispatcher(settings, db, load_translator())
            bot = Bot("42:BENCH", session=_Session())
            feed: Feed = partial(dp.feed_update, bot)
            processor = _Inbox(db, dp, bot, Path(tmp) / "replies") if inbox else None
            if processor is not None:
                await processor.resume()
                feed = processor.feed
            rate = await _timed(asyncio.gather(*(_answer_all(feed, bot, user) for user in users)))
            if processor is not None:
                await processor.close()
            await db.close()
            return rate


async def bench_echo(users: list[User], per_user: int) -> Rate:
    dp = Dispatcher()

    @dp.callback_query(F.data)
    async def echo(query: CallbackQuery) -> None:
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.answer(query.data or "")

    bot = Bot("42:ECHO", session=_Session())

    async def run(user: User) -> int:
        message = _message(user, "/echo")
        for _ in range(per_user):
            await dp.feed_update(bot, _press(user, message, "echo"))
        return per_user

    return await _timed(asyncio.gather(*(run(u) for u in users)))


def _scale_keyboard() -> InlineKeyboardMarkup:
    """A keyboard shaped like a survey question's: a 1–10 scale and Back."""
    builder = InlineKeyboardBuilder()
    for n in range(1, 11):
        builder.button(text=str(n), callback_data=f"sv|1|1|pick:{n}")
    builder.button(text="← Назад", callback_data="sv|1|1|back")
    builder.adjust(5, 5, 1)
    return builder.as_markup()


async def bench_replies_only(users: list[User], per_user: int) -> Rate:
    """The survey's three Bot API calls per answer with nothing else: the ceiling any survey
    handler on this stack can reach (no storage, no engine)."""
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

    bot = Bot("42:REPLY", session=_Session())
    for user in users:
        shown[user.id] = await bot.send_message(user.id, text, reply_markup=keyboard)

    async def run(user: User) -> int:
        for _ in range(per_user):
            await dp.feed_update(bot, _press(user, shown[user.id], "sv|1|1|pick:5"))
        return per_user

    return await _timed(asyncio.gather(*(run(u) for u in users)))


# --- rounds and summary ------------------------------------------------------------------


Measure = Callable[[int], Awaitable[Rate]]  # the number of people answering at once


def _spread(values: list[float], digits: int) -> str:
    """Median with min–max, and the interquartile range once there are enough rounds."""
    text = f"{statistics.median(values):.{digits}f} (min–max {min(values):.{digits}f}–{max(values):.{digits}f}"
    if len(values) >= 4:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        text += f", IQR {q1:.{digits}f}–{q3:.{digits}f}"
    return text + ")"


async def _round(measures: dict[str, Measure], people: int, turn: int) -> dict[str, Rate]:
    """Every measure once, starting from a different one each round (no measure always runs
    first, right after the previous round's garbage)."""
    names = list(measures)
    order = names[turn % len(names) :] + names[: turn % len(names)]
    rates = {}
    for name in order:
        gc.collect()
        rates[name] = await measures[name](people)
    return rates


LABELS = {
    "ceiling": "ceiling (the survey's three replies, nothing else)",
    "survey": "survey (the production dispatcher, answers stored)",
    "inbox": "survey through the inbox (stored, handled, marked)",
    "echo": "bare aiogram echo",
    "survey_pg": "survey on PostgreSQL (--database-url; no caches, as replicas run)",
    "inbox_pg": "survey through the inbox on PostgreSQL",
}
RATIOS = (
    ("survey", "ceiling", "(goal >= 0.50)"),
    ("inbox", "ceiling", ""),
    ("inbox", "survey", "(what the inbox costs)"),
    ("ceiling", "echo", ""),
    ("survey_pg", "survey", "(PostgreSQL against SQLite)"),
    ("inbox_pg", "inbox", ""),
    ("inbox_pg", "ceiling", ""),
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60, help="chats answering at once")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of every measure, ~7 s each")
    parser.add_argument("--long", action="store_true", help="25 rounds (about three minutes)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty PostgreSQL database (its user may CREATE DATABASE): the survey is also "
        "measured there, in the same rounds",
    )
    args = parser.parse_args()
    rounds = 25 if args.long else args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.db"
        users = await prepare_template(template, args.people)
        copies = sqlite_copies(template)
        # Warm-up, not counted: imports, pydantic's validators, SQLAlchemy's statement cache.
        per_user = (await bench_survey(copies, users[:6])).count // 6
        echo_users = [User(id=800_000 + n, is_bot=False, first_name="E") for n in range(len(users))]
        reply_users = [
            User(id=700_000 + n, is_bot=False, first_name="R") for n in range(len(users))
        ]
        measures: dict[str, Measure] = {
            "ceiling": lambda n: bench_replies_only(reply_users[:n], per_user),
            "survey": lambda n: bench_survey(copies, users[:n]),
            "inbox": lambda n: bench_survey(copies, users[:n], inbox=True),
            "echo": lambda n: bench_echo(echo_users[:n], per_user),
        }
        if args.database_url:
            await fill_postgres(template, args.database_url)
            pg = postgres_copies(args.database_url)
            measures["survey_pg"] = lambda n: bench_survey(pg, users[:n])
            measures["inbox_pg"] = lambda n: bench_survey(pg, users[:n], inbox=True)
        for name in [m for m in measures if m not in ("survey",)]:
            await measures[name](6)
        print(
            f"{len(users)} people answering at once, {per_user} answers each; "
            f"{rounds} rounds of {', '.join(measures)}, interleaved; per second of wall clock "
            "(per CPU second of this process)"
        )
        results: list[dict[str, Rate]] = []
        for turn in range(rounds):
            rates = await _round(measures, len(users), turn)
            results.append(rates)
            shown = (
                f"{name} {rate.per_second:.0f} ({rate.per_cpu_second:.0f})"
                for name, rate in rates.items()
            )
            print(f"  round {turn + 1}: " + ", ".join(shown))
    _summary(results)


def _summary(results: list[dict[str, Rate]]) -> None:
    print("median over the rounds (min–max, IQR), per second of wall clock | per CPU second:")
    for name, label in LABELS.items():
        if name not in results[0]:
            continue
        wall = _spread([r[name].per_second for r in results], 0)
        cpu = _spread([r[name].per_cpu_second for r in results], 0)
        print(f"  {label}:\n      {wall} | {cpu}")
    print("ratios, each taken within one round (wall clock | CPU):")
    for name, base, note in RATIOS:
        if name not in results[0]:
            continue
        wall = _spread([r[name].per_second / r[base].per_second for r in results], 2)
        cpu = _spread([r[name].per_cpu_second / r[base].per_cpu_second for r in results], 2)
        print(f"  {name} / {base}: {wall} | {cpu} {note}".rstrip())


if __name__ == "__main__":
    asyncio.run(main())
