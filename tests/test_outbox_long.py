"""A long outbox text goes out as several messages, as one delivery, and a row taken back
after a failure or a crash between parts goes on from the next part."""

from __future__ import annotations

import asyncio
import itertools
import random

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bot.long_messages import TEXT_LIMIT, visible_length
from bot.outbox_dispatcher import OutboxDispatcher
from sandbox.formatting import parse_html
from scheduler.clock import FakeClock
from scheduler.rate_limit import RateLimiter
from storage.db import Database
from tests.outbox_cases import T0, ScriptedSession, counts, new_person, put, row

LINES = [f"<b>{n}.</b> Иванова Мария Петровна — встреча в кабинете № {n}" for n in range(1, 301)]
LONG = "\n".join(LINES)  # about 15,000 characters shown: four messages
BUTTONS = [[{"text": "Открыть", "callback_data": "open:1"}]]


def dispatcher_for(db: Database, session: ScriptedSession, clock: FakeClock) -> OutboxDispatcher:
    return OutboxDispatcher(
        db,
        Bot("42:TEST", session=session),
        clock,
        RateLimiter(clock, rate=25, per_chat_interval=1.0),
        max_attempts=3,
        rng=random.Random(7),
    )


def texts(session: ScriptedSession) -> list[str]:
    return [text for _, _, text in session.sends]


async def test_a_long_text_is_several_messages_and_one_delivery(db: Database) -> None:
    clock = FakeClock(T0, auto_advance=True)
    session = ScriptedSession(clock)
    anna = await new_person(db, 101)
    await put(db, anna, 101, "digest", payload={"text": LONG, "buttons": BUTTONS})

    report = await dispatcher_for(db, session, clock).run_once()

    assert (report.claimed, report.sent, report.failed) == (1, 1, 0)
    assert session.refused == []
    sent = session.of("SendMessage")
    assert len(sent) == 4
    assert all(visible_length(p["text"]) <= TEXT_LIMIT for p in sent)
    shown = "\n".join(parse_html(p["text"])[0] for p in sent)
    assert shown == parse_html(LONG)[0], "every line, in order, none cut"
    assert ["reply_markup" in p for p in sent] == [False, False, False, True]
    # The chat's pace (1 message a second) holds between the parts too.
    times = [at for at, _, _ in session.sends]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    assert await counts(db) == {"pending": 0, "sending": 0, "sent": 1, "failed": 0, "cancelled": 0}


async def test_after_a_failed_part_the_row_goes_on_from_that_part(db: Database) -> None:
    clock = FakeClock(T0, auto_advance=True)
    session = ScriptedSession(clock)
    anna = await new_person(db, 101)
    await put(db, anna, 101, "digest", payload={"text": LONG, "parse_mode": "HTML"})
    dispatcher = dispatcher_for(db, session, clock)

    calls = 0
    original = session.make_request

    async def third_fails(
        bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise TelegramNetworkError(method=method, message="connection reset")
        return await original(bot, method, timeout)

    session.make_request = third_fails  # type: ignore[method-assign]
    first = await dispatcher.run_once()
    assert (first.sent, first.retried) == (0, 1)
    row_id = 1
    waiting = await row(db, row_id)
    assert (waiting.status, waiting.payload["parts_sent"]) == ("pending", 2)

    await clock.advance(60)
    second = await dispatcher.run_once()
    assert second.sent == 1
    assert texts(session) == [p["text"] for p in session.of("SendMessage")]
    shown = [parse_html(text)[0] for text in texts(session)]
    assert "\n".join(shown) == parse_html(LONG)[0], "parts 1 and 2 were not sent again"
    assert (await row(db, row_id)).payload == {}  # delivered: the text is not kept


async def test_killed_between_parts_the_rest_follows_once_the_lease_runs_out(
    db: Database,
) -> None:
    clock = FakeClock(T0, auto_advance=True)
    session = ScriptedSession(clock)
    anna = await new_person(db, 101)
    await put(db, anna, 101, "digest", payload={"text": LONG})
    dispatcher = dispatcher_for(db, session, clock)
    hang, reached = asyncio.Event(), asyncio.Event()
    original = session.make_request
    calls = 0

    async def hangs_on_part_three(
        bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        nonlocal calls
        calls += 1
        if calls == 3:
            reached.set()
            await hang.wait()  # the process dies here, part 3 not yet with Telegram
        return await original(bot, method, timeout)

    session.make_request = hangs_on_part_three  # type: ignore[method-assign]
    run = asyncio.create_task(dispatcher.run_once())
    waiting = asyncio.create_task(reached.wait())
    await asyncio.wait({run, waiting}, return_when=asyncio.FIRST_COMPLETED)
    assert reached.is_set(), "the dispatcher went on to a third part"
    waiting.cancel()
    run.cancel()  # the kill: nothing after this point runs
    await asyncio.gather(run, return_exceptions=True)
    stuck = await row(db, 1)
    assert (stuck.status, stuck.payload["parts_sent"]) == ("sending", 2)

    session.make_request = original  # type: ignore[method-assign]
    restarted = dispatcher_for(db, session, clock)  # a new process, the same outbox
    assert (await restarted.run_once()).claimed == 0  # the lease still holds
    await clock.advance(61)
    assert (await restarted.run_once()).sent == 1
    shown = [parse_html(text)[0] for text in texts(session)]
    assert "\n".join(shown) == parse_html(LONG)[0], "each part once, in order"
    assert (await row(db, 1)).attempts == 1  # the reclaim counted as an attempt


async def test_a_plain_text_payload_is_split_as_plain_text(db: Database) -> None:
    clock = FakeClock(T0, auto_advance=True)
    session = ScriptedSession(clock)
    anna = await new_person(db, 101)
    text = "\n".join(f"a < b, {n}" for n in range(1000))
    await put(db, anna, 101, "plain", payload={"text": text, "parse_mode": None})
    assert (await dispatcher_for(db, session, clock).run_once()).sent == 1
    sent = session.of("SendMessage")
    assert len(sent) == 3 and all("parse_mode" not in p for p in sent)
    assert "\n".join(p["text"] for p in sent) == text
