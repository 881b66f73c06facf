"""The outbox: idempotent enqueue, safe claims, and what the dispatcher does with answers."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.clock import FakeClock
from scheduler.delivery import backoff_delay
from scheduler.outbox_dispatcher import JOB_ID, OutboxDispatcher
from scheduler.rate_limit import RateLimiter
from storage import outbox, people
from storage.db import Database
from tests.recording import RecordingSession

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # 12:00 in Moscow: not quiet hours


async def new_person(db: Database, telegram_id: int, status: str = "active") -> int:
    async with db.begin() as conn:
        return await people.create(
            conn, telegram_id=telegram_id, locale="ru", username=None, status=status
        )


async def put(
    db: Database,
    person_id: int,
    chat_id: int,
    key: str,
    *,
    due_at: datetime = T0,
    payload: dict[str, Any] | None = None,
) -> bool:
    async with db.begin() as conn:
        return await outbox.enqueue(
            conn,
            person_id=person_id,
            chat_id=chat_id,
            kind="meeting_reminder_24h",
            payload=payload or {"text": f"Напоминание {key}"},
            due_at=due_at,
            dedupe_key=key,
        )


async def claim(db: Database, now: datetime, limit: int = 100, lease: float = 60) -> list[int]:
    async with db.begin() as conn:
        return [row.id for row in await outbox.claim_due(conn, now, limit, lease)]


async def row(db: Database, row_id: int) -> outbox.OutboxRow:
    async with db.connect() as conn:
        found = await outbox.get(conn, row_id)
    assert found is not None
    return found


async def counts(db: Database) -> dict[str, int]:
    async with db.connect() as conn:
        return await outbox.counts_by_status(conn)


# --- storage -----------------------------------------------------------------------------


async def test_enqueue_twice_with_one_key_keeps_one_row(db: Database) -> None:
    anna = await new_person(db, 101)
    assert await put(db, anna, 101, "meeting:1:24h") is True
    assert await put(db, anna, 101, "meeting:1:24h", due_at=T0 + timedelta(hours=5)) is False
    async with db.connect() as conn:
        pending = await outbox.pending_for_person(conn, anna)
    assert [(r.dedupe_key, r.due_at, r.status, r.attempts) for r in pending] == [
        ("meeting:1:24h", T0, "pending", 0)
    ]
    assert pending[0].payload == {"text": "Напоминание meeting:1:24h"}


async def test_claim_takes_due_rows_in_due_order_and_leases_them(db: Database) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 201, "later", due_at=T0 + timedelta(minutes=1))
    await put(db, anna, 202, "second", due_at=T0 - timedelta(minutes=1))
    await put(db, anna, 203, "first", due_at=T0 - timedelta(minutes=2))
    claimed = await claim(db, T0, lease=30)
    assert [(await row(db, i)).dedupe_key for i in claimed] == ["first", "second"]
    first = await row(db, claimed[0])
    assert (first.status, first.lease_until) == ("sending", T0 + timedelta(seconds=30))
    assert await claim(db, T0 + timedelta(seconds=29)) == []  # leased, "later" not due
    # A minute on, "later" is due and the two leases have run out.
    assert sorted(await claim(db, T0 + timedelta(minutes=1))) == [1, 2, 3]


async def test_an_expired_lease_is_claimed_again_as_an_attempt(db: Database) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "k")
    [row_id] = await claim(db, T0, lease=60)
    # The sender that claimed it died; nobody marked the row.
    assert await claim(db, T0 + timedelta(seconds=59)) == []
    assert await claim(db, T0 + timedelta(seconds=60)) == [row_id]
    again = await row(db, row_id)
    assert (again.status, again.attempts) == ("sending", 1)


async def test_one_row_per_chat_per_claim(db: Database) -> None:
    anna = await new_person(db, 101)
    boris = await new_person(db, 102)
    for n in range(3):
        await put(db, anna, 101, f"anna:{n}", due_at=T0 - timedelta(minutes=3 - n))
    await put(db, boris, 102, "boris:0", due_at=T0)
    first = [(await row(db, i)).dedupe_key for i in await claim(db, T0)]
    second = [(await row(db, i)).dedupe_key for i in await claim(db, T0)]
    assert first == ["anna:0", "boris:0"]
    assert second == ["anna:1"]


async def test_concurrent_claimers_never_share_a_row(db: Database, db_url: str) -> None:
    person = await new_person(db, 101)
    async with db.begin() as conn:
        for n in range(300):
            await outbox.enqueue(
                conn,
                person_id=person,
                chat_id=10_000 + n,
                kind="digest_curator",
                payload={"text": "x"},
                due_at=T0,
                dedupe_key=f"k{n}",
            )
    # Two engines: two dispatcher processes, each with its own connections.
    others = [Database(db_url) for _ in range(3)]
    try:
        batches = await asyncio.gather(
            *(claim(database, T0, limit=40) for database in [db, *others] for _ in range(3))
        )
    finally:
        for database in others:
            await database.close()
    claimed = [row_id for batch in batches for row_id in batch]
    assert len(claimed) == len(set(claimed)) == 300


async def test_sent_rows_are_never_claimed_again(db: Database) -> None:
    anna = await new_person(db, 101)
    await put(db, anna, 101, "k")
    [row_id] = await claim(db, T0, lease=1)
    async with db.begin() as conn:
        await outbox.mark_sent(conn, row_id, T0)
        assert await outbox.reschedule(conn, row_id, T0) is False
        assert await outbox.mark_retry(conn, row_id, T0, "late") is False
    assert await claim(db, T0 + timedelta(days=1)) == []
    sent = await row(db, row_id)
    assert (sent.status, sent.sent_at, sent.lease_until) == ("sent", T0, None)


async def test_retry_failed_and_cancel_transitions(db: Database) -> None:
    anna = await new_person(db, 101)
    for key in ("retry", "fail", "cancel"):
        await put(db, anna, hash(key) % 1000, key)
    ids = dict(zip(["retry", "fail", "cancel"], await claim(db, T0), strict=True))
    async with db.begin() as conn:
        await outbox.mark_retry(conn, ids["retry"], T0 + timedelta(seconds=4), "E: boom")
        await outbox.mark_failed(conn, ids["fail"], "TelegramBadRequest: chat not found")
        await outbox.mark_cancelled(conn, ids["cancel"], "TelegramForbiddenError")
    retry, fail, cancel = [await row(db, ids[key]) for key in ("retry", "fail", "cancel")]
    assert (retry.status, retry.attempts, retry.due_at) == ("pending", 1, T0 + timedelta(seconds=4))
    assert retry.lease_until is None and retry.last_error == "E: boom"
    assert (fail.status, fail.attempts, fail.last_error) == (
        "failed",
        1,
        "TelegramBadRequest: chat not found",
    )
    assert cancel.status == "cancelled"
    assert await counts(db) == {"pending": 1, "sending": 0, "sent": 0, "failed": 1, "cancelled": 1}


async def test_cancel_pending_for_person_leaves_others_and_sent_rows(db: Database) -> None:
    anna = await new_person(db, 101)
    boris = await new_person(db, 102)
    await put(db, anna, 101, "anna:sent", due_at=T0 - timedelta(hours=1))
    [sent_id] = await claim(db, T0)
    async with db.begin() as conn:
        await outbox.mark_sent(conn, sent_id, T0)
    await put(db, anna, 101, "anna:1", due_at=T0 + timedelta(hours=1))
    await put(db, anna, 101, "anna:2", due_at=T0 + timedelta(hours=2))
    await put(db, boris, 102, "boris:1", due_at=T0 + timedelta(hours=1))
    async with db.begin() as conn:
        assert await outbox.cancel_pending_for_person(conn, anna) == 2
        assert await outbox.pending_for_person(conn, anna) == []
        assert [r.dedupe_key for r in await outbox.pending_for_person(conn, boris)] == ["boris:1"]
    assert (await row(db, sent_id)).status == "sent"


async def test_mark_person_blocked_makes_him_inactive_but_keeps_forgotten(db: Database) -> None:
    anna = await new_person(db, 101)
    gone = await new_person(db, 102, status="forgotten")
    await put(db, anna, 101, "anna:1", due_at=T0 + timedelta(hours=1))
    async with db.begin() as conn:
        assert await outbox.mark_person_blocked(conn, anna) == 1
        await outbox.mark_person_blocked(conn, gone)
        assert (await people.get(conn, anna)).status == "inactive"
        assert (await people.get(conn, gone)).status == "forgotten"


# --- dispatcher --------------------------------------------------------------------------


class ScriptedSession(RecordingSession):
    """Answers like the Bot API, fails with queued errors, and notes when and to whom."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.failures: list[type[TelegramAPIError] | Exception] = []
        self.sends: list[tuple[float, int, str]] = []
        self._in_flight: set[int] = set()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        chat_id = int(getattr(method, "chat_id", 0))
        assert chat_id not in self._in_flight, "two sends to one chat at once"
        self._in_flight.add(chat_id)
        try:
            await asyncio.sleep(0)  # let other sends interleave, as a network would
            if self.failures:
                failure = self.failures.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                raise failure(method=method, message="Scripted failure")
            self.sends.append((self.clock.monotonic(), chat_id, getattr(method, "text", "")))
            return await super().make_request(bot, method, timeout)
        finally:
            self._in_flight.discard(chat_id)


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
