"""The outbox dispatcher: what it does with Telegram's answers, and its job."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery import backoff_delay
from bot.outbox_dispatcher import JOB_ID, OutboxDispatcher
from scheduler.clock import FakeClock
from scheduler.rate_limit import RateLimiter
from storage import people
from storage.db import Database
from tests.outbox_cases import T0, ScriptedSession, claim, counts, new_person, put, row


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0, auto_advance=True)


@pytest.fixture
def session(clock: FakeClock) -> ScriptedSession:
    return ScriptedSession(clock)


@pytest.fixture
def dispatcher(db: Database, clock: FakeClock, session: ScriptedSession) -> OutboxDispatcher:
    return OutboxDispatcher(
        db,
        Bot("42:TEST", session=session),
        clock,
        RateLimiter(clock, rate=25, per_chat_interval=1.0),
        max_attempts=3,
        backoff_base=2.0,
        rng=random.Random(7),
    )


async def test_due_rows_are_sent_once_with_text_buttons_and_parse_mode(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession
) -> None:
    anna = await new_person(db, 101)
    payload = {
        "text": "<b>Встреча</b> завтра",
        "buttons": [[{"text": "Приду", "callback_data": "meeting:1:yes"}]],
    }
    await put(db, anna, 101, "m1", payload=payload)
    await put(db, anna, 101, "m2", due_at=T0 + timedelta(hours=1))
    report = await dispatcher.run_once()
    assert (report.claimed, report.sent) == (1, 1)
    [params] = session.of("SendMessage")
    assert params["text"] == "<b>Встреча</b> завтра"
    assert params["parse_mode"] == "HTML"
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "meeting:1:yes"
    assert (await dispatcher.run_once()).sent == 0  # the sent row is not sent again
    assert await counts(db) == {"pending": 1, "sending": 0, "sent": 1, "failed": 0, "cancelled": 0}


async def test_plain_text_when_payload_says_no_parse_mode(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "m1", payload={"text": "a < b", "parse_mode": None})
    await dispatcher.run_once()
    [params] = session.of("SendMessage")
    assert "parse_mode" not in params


async def test_server_errors_back_off_then_deliver(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession, clock: FakeClock
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "m1")
    session.failures = [TelegramServerError, TelegramNetworkError]
    assert (await dispatcher.run_once()).retried == 1
    first = await row(db, 1)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error == "TelegramServerError: Scripted failure"
    assert 1.0 <= (first.due_at - clock.now()).total_seconds() <= 2.0  # 2 × 2^0, jittered
    assert (await dispatcher.run_once()).claimed == 0  # not due yet
    await clock.advance(2.0)
    assert (await dispatcher.run_once()).retried == 1
    second = await row(db, 1)
    assert 2.0 <= (second.due_at - clock.now()).total_seconds() <= 4.0  # 2 × 2^1
    await clock.advance(4.0)
    assert (await dispatcher.run_once()).sent == 1
    assert (await row(db, 1)).attempts == 2
    assert len(session.sends) == 1


async def test_transient_errors_fail_after_max_attempts(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession, clock: FakeClock
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "m1")
    session.failures = [TelegramServerError, TimeoutError(), TelegramServerError]
    for _ in range(3):
        await dispatcher.run_once()
        await clock.advance(600)
    failed = await row(db, 1)
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert failed.last_error == "TelegramServerError: Scripted failure"
    await clock.advance(3600)
    assert (await dispatcher.run_once()).claimed == 0


async def test_bad_request_fails_at_once(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "m1")
    session.failures = [TelegramBadRequest(method=None, message="Bad Request: chat not found")]  # type: ignore[arg-type]
    assert (await dispatcher.run_once()).failed == 1
    failed = await row(db, 1)
    assert (failed.status, failed.last_error) == (
        "failed",
        "TelegramBadRequest: Bad Request: chat not found",
    )


async def test_retry_after_pauses_everyone_and_loses_nothing(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession, clock: FakeClock
) -> None:
    for n in range(5):
        person = await new_person(db, 100 + n)
        await put(db, person, 100 + n, f"m{n}")
    session.failures = [
        TelegramRetryAfter(method=None, message="Too Many Requests", retry_after=7)  # type: ignore[arg-type]
    ]
    report = await dispatcher.run_once()
    assert report.sent + report.deferred == 5 and report.deferred >= 1
    first = await row(db, 1)
    assert (first.status, first.attempts) == ("pending", 0)  # not a failed attempt
    paused_at = (first.due_at - T0).total_seconds() - 7  # on the clock's monotonic scale
    assert 0 <= paused_at < 0.5
    assert (await dispatcher.run_once()).claimed == 0  # still paused
    await clock.advance(7)
    await dispatcher.run_once()
    assert await counts(db) == {"pending": 0, "sending": 0, "sent": 5, "failed": 0, "cancelled": 0}
    assert sorted(chat for _, chat, _ in session.sends) == [100, 101, 102, 103, 104]
    # Nothing went out during the pause, and the refused message only after it.
    assert [at for at, _, _ in session.sends if paused_at < at < paused_at + 7 - 1e-6] == []
    assert next(at for at, chat, _ in session.sends if chat == 100) >= paused_at + 7 - 1e-6


async def test_blocked_person_is_cancelled_and_made_inactive(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "now")
    await put(db, anna, 101, "tomorrow", due_at=T0 + timedelta(days=1))
    session.failures = [
        TelegramForbiddenError(method=None, message="Forbidden: bot was blocked by the user")
    ]  # type: ignore[arg-type]
    assert (await dispatcher.run_once()).blocked == 1
    assert await counts(db) == {"pending": 0, "sending": 0, "sent": 0, "failed": 0, "cancelled": 2}
    async with db.connect() as conn:
        assert (await people.get(conn, anna)).status == "inactive"


async def test_custom_on_blocked_is_called_with_the_person(
    db: Database, clock: FakeClock, session: ScriptedSession
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "now")
    blocked: list[int] = []

    async def remember(person_id: int) -> None:
        blocked.append(person_id)

    dispatcher = OutboxDispatcher(
        db, Bot("42:TEST", session=session), clock, RateLimiter(clock), on_blocked=remember
    )
    session.failures = [TelegramForbiddenError]
    await dispatcher.run_once()
    assert blocked == [anna]


async def test_quiet_hours_guard_moves_a_night_row_to_morning(
    db: Database, session: ScriptedSession
) -> None:
    night = datetime(2025, 3, 10, 19, 30, tzinfo=UTC)  # 22:30 in Moscow
    clock = FakeClock(night, auto_advance=True)
    dispatcher = OutboxDispatcher(db, Bot("42:TEST", session=session), clock, RateLimiter(clock))
    pupil = await new_person(db, 101)
    quiet = {"text": "Опрос", "respect_quiet_hours": True, "timezone": "Europe/Moscow"}
    await put(db, pupil, 101, "pupil", due_at=night, payload=quiet)
    await put(db, pupil, 102, "curator", due_at=night)  # not flagged: goes now
    report = await dispatcher.run_once()
    assert (report.sent, report.deferred) == (1, 1)
    moved = await row(db, 1)
    assert (moved.status, moved.attempts) == ("pending", 0)
    assert moved.due_at == datetime(2025, 3, 11, 5, 0, tzinfo=UTC)  # 08:00 Moscow


async def test_a_payload_that_cannot_be_rendered_fails(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "no-text", payload={"buttons": []})
    await put(
        db,
        anna,
        102,
        "bad-zone",
        payload={"text": "x", "respect_quiet_hours": True, "timezone": "Mars/Base"},
    )
    assert (await dispatcher.run_once()).failed == 2
    assert (await row(db, 1)).last_error == "PayloadError: KeyError"
    assert session.sends == []


async def test_rows_of_one_chat_go_one_after_another_a_second_apart(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession, clock: FakeClock
) -> None:
    anna = await new_person(db, 101)
    for n in range(3):
        await put(db, anna, 101, f"m{n}")
    # A crashed sender claimed all three; their leases expire together and come back as
    # one batch for one chat.
    for _ in range(3):
        await claim(db, T0, lease=1)
    await clock.advance(1)
    report = await dispatcher.run_once()
    assert report.sent == 3
    times = [at for at, _, _ in session.sends]
    assert [b - a for a, b in itertools.pairwise(times)] == pytest.approx([1.0, 1.0])


async def test_a_message_that_keeps_killing_the_sender_is_given_up(
    db: Database, dispatcher: OutboxDispatcher, session: ScriptedSession, clock: FakeClock
) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "poison")
    for n in range(4):  # claimed, then the sender dies, 4 times (max_attempts is 3)
        await claim(db, clock.now() + timedelta(minutes=n * 2), lease=60)
    await clock.advance(600)
    assert (await dispatcher.run_once()).failed == 1
    assert (await row(db, 1)).last_error == "LeaseExpired: sender stopped mid-send"
    assert session.sends == []


def test_backoff_doubles_is_capped_and_jittered() -> None:
    rng = random.Random(1)
    for attempts, full in [(0, 2.0), (1, 4.0), (3, 16.0), (10, 600.0), (500, 600.0)]:
        delays = [backoff_delay(attempts, base=2.0, cap=600, rng=rng) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)
        assert len(set(delays)) > 1  # jittered, not in lockstep


async def test_start_registers_one_interval_job_by_id(dispatcher: OutboxDispatcher) -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    dispatcher.start(scheduler)
    dispatcher.start(scheduler)  # registered again at each start, never twice
    scheduler.start(paused=True)
    try:
        [job] = scheduler.get_jobs()
    finally:
        scheduler.shutdown(wait=False)
    assert job.id == JOB_ID
    assert (job.max_instances, job.coalesce) == (1, True)
    assert job.trigger.interval == timedelta(seconds=1)
