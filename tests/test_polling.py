"""Polling through the inbox, against the sandbox: acknowledged only once stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update
from aiogram.utils.backoff import BackoffConfig

from bot.factory import build_bot
from bot.inbox import InboxProcessor
from bot.polling import poll
from bot.reply_journal import ReplyJournal
from sandbox import SandboxClient, SandboxServer
from storage import inbox
from storage.db import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUICK = BackoffConfig(min_delay=0.01, max_delay=0.05, factor=1.5, jitter=0.0)


class FlakyInbox(InboxProcessor):
    """The database refuses the first batch (disk full, locked): it must come again."""

    failures = 1

    async def take_in(self, updates: Sequence[Update]) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("disk I/O error")
        await super().take_in(updates)


def _echo() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(f"Получено: {message.text}")

    return dispatcher


@pytest.fixture
async def bot(sandbox: SandboxServer) -> AsyncIterator[Bot]:
    instance = build_bot("123456:POLLING", sandbox.base_url)
    yield instance
    await instance.session.close()


async def test_a_batch_that_could_not_be_stored_is_fetched_again(
    db: Database, tmp_path: Path, sandbox: SandboxServer, bot: Bot
) -> None:
    processor = FlakyInbox(db, _echo(), bot, ReplyJournal(tmp_path / "replies"), now=lambda: NOW)
    await processor.resume()
    async with SandboxClient(sandbox.base_url, poll_interval=0.02) as sb:
        anna = await sb.create_user("Анна")
        await anna.send("первое")
        await anna.send("второе")
        stop = asyncio.Event()
        polling = asyncio.create_task(poll(bot, processor, stop, backoff_config=QUICK))
        await anna.wait_until(lambda view: len(view.bot_messages) >= 2)
        stop.set()  # also ends a long poll that is waiting for news
        await asyncio.wait_for(polling, 5)
        await processor.close()
        replies = [m.text for m in (await anna.chat_view(files=False)).bot_messages]
    assert processor.failures == 0
    assert replies == ["Получено: первое", "Получено: второе"]
    async with db.connect() as conn:
        assert await inbox.unfinished_count(conn) == 0
