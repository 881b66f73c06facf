"""The dispatcher against the Bot API sandbox: real HTTP, real aiogram, injected failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.outbox_dispatcher import OutboxDispatcher
from sandbox.client import SandboxClient
from sandbox.client_user import SandboxUser
from sandbox.server import SandboxServer
from scheduler.clock import SystemClock
from scheduler.rate_limit import RateLimiter
from storage import outbox, people
from storage.db import Database

LEASE_SECONDS = 1.0


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    async with SandboxServer("127.0.0.1", 0) as running:
        yield running


@pytest.fixture
async def sandbox(server: SandboxServer) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(server.base_url) as client:
        yield client


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    async with Bot("123456:OUTBOX", session=session) as running:
        yield running


@pytest.fixture
def dispatcher(db: Database, bot: Bot) -> OutboxDispatcher:
    clock = SystemClock()
    return OutboxDispatcher(
        db,
        bot,
        clock,
        RateLimiter(clock, rate=25, per_chat_interval=1.0),
        lease_seconds=LEASE_SECONDS,
        backoff_base=0.05,
        backoff_cap=0.5,
    )


async def user_with_person(
    db: Database, sandbox: SandboxClient, name: str
) -> tuple[SandboxUser, int]:
    """A sandbox user who has written to the bot (so it may write back), and his person row."""
    user = await sandbox.create_user(name)
    await user.send("/start")
    async with db.begin() as conn:
        person_id = await people.create(
            conn, telegram_id=user.id, locale="ru", username=None, status="active"
        )
    return user, person_id


async def enqueue(
    db: Database, person_id: int, user: SandboxUser, key: str, *, in_seconds: float = 0
) -> None:
    clock = SystemClock()
    async with db.begin() as conn:
        await outbox.enqueue(
            conn,
            person_id=person_id,
            chat_id=user.id,
            kind="meeting_reminder_24h",
            payload={"text": f"Напоминание <b>{key}</b>"},
            due_at=clock.now() + timedelta(seconds=in_seconds),
            dedupe_key=key,
        )


async def drain(db: Database, dispatcher: OutboxDispatcher, timeout: float = 8.0) -> None:
    """Run the dispatcher as the scheduler would, until nothing due is pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await dispatcher.run_once()
        async with db.connect() as conn:
            counts = await outbox.counts_by_status(conn)
        if counts["pending"] == counts["sending"] == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"outbox not drained: {counts}")


async def texts(user: SandboxUser) -> list[str]:
    return [message.content for message in (await user.chat()) if message.is_bot]


async def test_429_pauses_then_delivers_everything_once(
    db: Database, sandbox: SandboxClient, dispatcher: OutboxDispatcher
) -> None:
    users = [await user_with_person(db, sandbox, name) for name in ("Анна", "Борис", "Вера")]
    for n, (user, person_id) in enumerate(users):
        await enqueue(db, person_id, user, f"k{n}")
    await sandbox.inject_fault("sendMessage", status=429, count=1, retry_after=1)
    await drain(db, dispatcher)
    for n, (user, _) in enumerate(users):
        assert await texts(user) == [f"Напоминание k{n}"]
    calls = await sandbox.calls("sendMessage")
    [refused] = [call for call in calls if call.status == 429]
    delivered = [call for call in calls if call.ok]
    assert len(delivered) == 3
    # Telegram said "wait 1 s": nothing was sent before that second was over.
    assert min(call.time for call in delivered) - refused.time >= 0.95


async def test_a_blocked_user_becomes_inactive_and_his_later_rows_are_cancelled(
    db: Database, sandbox: SandboxClient, dispatcher: OutboxDispatcher
) -> None:
    anna, anna_id = await user_with_person(db, sandbox, "Анна")
    boris, boris_id = await user_with_person(db, sandbox, "Борис")
    await enqueue(db, anna_id, anna, "anna:now")
    await enqueue(db, anna_id, anna, "anna:tomorrow", in_seconds=86_400)
    await enqueue(db, boris_id, boris, "boris:now")
    await anna.block()
    await drain(db, dispatcher)
    assert await texts(boris) == ["Напоминание boris:now"]
    assert await texts(anna) == []
    async with db.connect() as conn:
        assert (await people.get(conn, anna_id)).status == "inactive"
        assert (await people.get(conn, boris_id)).status == "active"
        assert await outbox.pending_for_person(conn, anna_id) == []
        assert (await outbox.counts_by_status(conn))["cancelled"] == 2


async def test_two_server_errors_then_delivered_on_the_third_try(
    db: Database, sandbox: SandboxClient, dispatcher: OutboxDispatcher
) -> None:
    anna, anna_id = await user_with_person(db, sandbox, "Анна")
    await enqueue(db, anna_id, anna, "k")
    await sandbox.inject_fault("sendMessage", status=500, count=2)
    await drain(db, dispatcher)
    assert await texts(anna) == ["Напоминание k"]
    assert [call.status for call in await sandbox.calls("sendMessage")] == [500, 500, 200]
    async with db.connect() as conn:
        row = await outbox.get(conn, 1)
    assert row is not None and (row.status, row.attempts) == ("sent", 2)


async def test_a_row_left_by_a_crashed_dispatcher_is_delivered_after_its_lease(
    db: Database, sandbox: SandboxClient, dispatcher: OutboxDispatcher
) -> None:
    anna, anna_id = await user_with_person(db, sandbox, "Анна")
    await enqueue(db, anna_id, anna, "k")
    async with db.begin() as conn:  # the dispatcher that claimed it died before sending
        [_claimed] = await outbox.claim_due(conn, SystemClock().now(), 10, LEASE_SECONDS)
    assert (await dispatcher.run_once()).claimed == 0  # its lease still holds
    await asyncio.sleep(LEASE_SECONDS)
    await drain(db, dispatcher)
    assert await texts(anna) == ["Напоминание k"]


async def test_a_crash_after_telegram_accepted_costs_one_duplicate_at_most(
    db: Database, sandbox: SandboxClient, dispatcher: OutboxDispatcher, bot: Bot
) -> None:
    anna, anna_id = await user_with_person(db, sandbox, "Анна")
    await enqueue(db, anna_id, anna, "k")
    async with db.begin() as conn:
        [claimed] = await outbox.claim_due(conn, SystemClock().now(), 10, LEASE_SECONDS)
    # It was sent, then the process died before mark_sent.
    await bot.send_message(anna.id, claimed.payload["text"], parse_mode="HTML")
    await asyncio.sleep(LEASE_SECONDS)
    await drain(db, dispatcher)
    await asyncio.sleep(LEASE_SECONDS)
    await drain(db, dispatcher)
    assert await texts(anna) == ["Напоминание k", "Напоминание k"]


async def test_the_scheduler_job_delivers_what_becomes_due(
    db: Database, sandbox: SandboxClient, dispatcher: OutboxDispatcher
) -> None:
    anna, anna_id = await user_with_person(db, sandbox, "Анна")
    await enqueue(db, anna_id, anna, "soon", in_seconds=0.5)
    scheduler = AsyncIOScheduler(timezone="UTC")
    dispatcher.start(scheduler)  # as bot/app.py does, before scheduler.start()
    scheduler.start()
    try:
        message = await anna.wait_for_message(timeout=5)
    finally:
        scheduler.shutdown(wait=False)
    assert message.content == "Напоминание soon"
