"""The per-user flood limit and the heavy buttons' cooldown, on a clock moved by hand."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import User

from bot.factory import build_dispatcher
from bot.flood import FloodLimit, Verdict
from bot.settings import Settings
from i18n import Translator
from scheduler.clock import FakeClock
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_member, make_school

BUSY = "Слишком много сообщений подряд, подождите немного."
_ids = itertools.count(8101)


async def test_a_burst_passes_then_one_notice_then_silence_until_the_pace_falls() -> None:
    clock = FakeClock()
    limit = FloodLimit(clock, rate=5, burst=8)
    verdicts = [limit.take(1) for _ in range(12)]
    assert verdicts == [Verdict.PASS] * 8 + [Verdict.WARN] + [Verdict.DROP] * 3
    assert limit.take(2) is Verdict.PASS  # per user: another one is not held up

    await clock.advance(0.2)  # one token back: one more passes, no second notice
    assert [limit.take(1), limit.take(1)] == [Verdict.PASS, Verdict.DROP]

    await clock.advance(1.6)  # a pause of burst/rate seconds: the bucket is full again
    again = [limit.take(1) for _ in range(10)]
    assert again.count(Verdict.PASS) == 8 and again.count(Verdict.WARN) == 1


async def test_a_steady_six_a_second_gets_five_through_and_one_notice() -> None:
    clock = FakeClock()
    limit = FloodLimit(clock, rate=5, burst=8)
    verdicts = []
    for _ in range(6 * 20):  # twenty seconds at six updates a second
        verdicts.append(limit.take(1))
        await clock.advance(1 / 6)
    passed = verdicts.count(Verdict.PASS)
    assert 5 * 20 <= passed <= 5 * 20 + 8 and verdicts.count(Verdict.WARN) == 1


def test_rate_zero_is_no_limit() -> None:
    limit = FloodLimit(FakeClock(), rate=0, burst=1)
    assert {limit.take(1) for _ in range(100)} == {Verdict.PASS}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(db_url: str, db: Database, translator: Translator, clock: FakeClock) -> Dispatcher:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=db_url, flood_rate=5, flood_burst=8, heavy_cooldown=10
    )
    return build_dispatcher(settings, db, translator, clock=clock)


def chat_user(dp: Dispatcher, bot: Bot) -> ChatUser:
    user = User(id=next(_ids), is_bot=False, first_name="Петя", language_code="ru")
    return ChatUser(dp, bot, user)


async def test_a_flood_of_messages_gets_one_busy_notice_and_is_dropped(
    limited: Dispatcher, bot: Bot, clock: FakeClock
) -> None:
    pupil, other = chat_user(limited, bot), chat_user(limited, bot)
    replies = [m.text for _ in range(20) for m in await pupil.send("/help")]
    assert replies.count(BUSY) == 1 and len(replies) == 9  # 8 answered, 1 notice, 11 dropped
    assert replies[-1] == BUSY
    assert len(await other.send("/help")) == 1  # somebody else is not held up

    await clock.advance(2)  # he paused: answered again
    assert [m.text for m in await pupil.send("/help")] != [BUSY]
    assert len(await pupil.send("/help")) == 1


async def test_a_flood_of_presses_gets_one_toast(
    limited: Dispatcher, bot: Bot, clock: FakeClock
) -> None:
    pupil = chat_user(limited, bot)
    message = (await pupil.send("/language"))[-1]
    before = len(pupil.callback_answers())
    for _ in range(15):
        await pupil.press_data(message, "lang:ru")
    answers = [a.get("text") for a in pupil.callback_answers()[before:]]
    # 7 presses handled after /language, one notice, and the 7 dropped ones answered silently
    # (an unanswered press keeps its button spinning).
    assert answers.count(BUSY) == 1 and len(answers) == 15
    assert answers[8:] == [None] * 7


async def test_heavy_buttons_cool_down_per_user_and_per_button(
    db: Database, limited: Dispatcher, bot: Bot, clock: FakeClock
) -> None:
    curator = chat_user(limited, bot)
    await make_member(db, curator.user.id, "Кураторова Елена", await make_school(db), "curator")
    stats = (await curator.send("/stats"))[-1]
    documents = lambda: len(curator.session.of("SendDocument"))  # noqa: E731

    await curator.press(stats, "Отчёт XLSX")
    assert documents() == 1
    await clock.advance(4)
    await curator.press(stats, "Отчёт XLSX")
    alert = curator.callback_answers()[-1]
    assert documents() == 1 and alert.get("show_alert") is True
    assert "через 6 с" in str(alert.get("text"))

    # Another heavy button has its own cooldown. A new school has no answers to chart, so
    # the charts come as the sentence that says so.
    charts = await curator.press(stats, "Диаграммы")
    assert "Распределения оценок нет" in (charts[-1].text or "")

    await clock.advance(6)
    await curator.press(stats, "Отчёт XLSX")
    assert documents() == 2


async def test_a_backlog_replayed_after_an_outage_is_not_a_flood(
    db_url: str, db: Database, translator: Translator, bot: Bot
) -> None:
    # Twenty messages written during an outage, handled a minute later from the inbox: each
    # is answered (the handling clock is a minute past the messages' own date).
    clock = FakeClock(datetime.now(UTC) + timedelta(minutes=1))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=db_url, flood_rate=5, flood_burst=8, heavy_cooldown=10
    )
    pupil = chat_user(build_dispatcher(settings, db, translator, clock=clock), bot)
    replies = [m.text for _ in range(20) for m in await pupil.send("/help")]
    assert len(replies) == 20 and BUSY not in replies
