"""The real process killed during a burst: every message is answered exactly once."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from sandbox import SandboxClient, SandboxServer
from sandbox.client_user import SandboxUser
from storage import inbox
from storage.db import Database
from storage.migrate import upgrade
from tests.pg import database_url
from tests.process import BotProcess

pytestmark = pytest.mark.e2e

PEOPLE = 30
KILL_DELAYS = (0.05, 0.1, 0.15, 0.2)  # seconds after the burst; fixed, one per round
ROUNDS = int(os.environ.get("INBOX_KILL_ROUNDS", "1"))  # repeats of the four delays


async def _replies(users: list[SandboxUser]) -> list[int]:
    views = await asyncio.gather(*(user.chat_view(files=False) for user in users))
    return [len(view.bot_messages) for view in views]


async def _wait_for_replies(users: list[SandboxUser], expected: int) -> None:
    """Until everybody has `expected` replies, or 30 s (then the assert below tells)."""
    for _ in range(300):
        if min(await _replies(users)) >= expected:
            return
        await asyncio.sleep(0.1)


async def _wait_until_drained(db: Database) -> None:
    """Every update taken in is processed (its replies are sent before it is marked)."""
    for _ in range(600):
        async with db.connect() as conn:
            if await inbox.unfinished_count(conn) == 0:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the inbox did not drain")


async def test_burst_before_sigkill_is_answered_exactly_once(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "inbox.db")
    db = Database(db_url)
    await upgrade(db)
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": "123456:E2E-INBOX",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
        },
    )
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            users = [await sb.create_user(f"Ученик {n}") for n in range(PEOPLE)]
            warm_up = await sb.create_user("Проверка")
            await warm_up.send("/help")  # answered: the bot polls
            await warm_up.wait_for_message(timeout=30)
            for burst, delay in enumerate(KILL_DELAYS * ROUNDS, start=1):
                await asyncio.gather(*(user.send("/help") for user in users))
                await asyncio.sleep(delay)
                bot.kill()  # mid-burst: some taken in, some answered, some not yet fetched
                await bot.start()
                await _wait_for_replies(users, burst)
                await _wait_until_drained(db)
                counts = await _replies(users)
                assert counts == [burst] * PEOPLE, f"after burst {burst}, replies: {counts}"
    finally:
        bot.stop()
        await db.close()
