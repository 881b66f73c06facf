"""The reply journal names an update before its first request reaches Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update
from aiohttp import web

from bot.factory import build_bot
from bot.inbox import InboxProcessor
from bot.reply_journal import ReplyJournal
from storage.db import Database
from tests.process import free_port

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHAT = {"id": 7, "type": "private", "first_name": "Анна"}


class FakeTelegram:
    """Answers sendMessage and notes what the journal file held when each request arrived."""

    def __init__(self, journal: Path) -> None:
        self.journal = journal
        self.arrivals: list[str] = []
        self.app = web.Application()
        self.app.router.add_post("/bot{token}/{method}", self.on_call)

    async def on_call(self, request: web.Request) -> web.Response:
        await request.post()
        self.arrivals.append(self.journal.read_text() if self.journal.exists() else "")
        result: dict[str, Any] = {
            "message_id": len(self.arrivals),
            "date": int(NOW.timestamp()),
            "chat": CHAT,
            "text": "ok",
        }
        return web.json_response({"ok": True, "result": result})


@pytest.fixture
async def telegram(tmp_path: Path) -> AsyncIterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram(tmp_path / "replies")
    runner = web.AppRunner(fake.app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield fake, f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_the_first_request_of_an_update_finds_its_id_in_the_journal(
    db: Database, tmp_path: Path, telegram: tuple[FakeTelegram, str]
) -> None:
    fake, base_url = telegram
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def answer_twice(message: Message) -> None:
        await message.answer("Первое")
        await message.answer("Второе")

    bot: Bot = build_bot("42:JOURNAL", base_url)
    processor = InboxProcessor(db, dispatcher, bot, ReplyJournal(fake.journal), now=lambda: NOW)
    try:
        await processor.resume()
        update = {
            "update_id": 501,
            "message": {"message_id": 1, "date": 0, "chat": CHAT, "text": "привет"},
        }
        await processor.take_in([Update.model_validate(update, context={"bot": bot})])
        await processor.wait_idle()
        await bot.send_message(7, "Напоминание")  # the outbox's sends belong to no update
    finally:
        await processor.close()
        await bot.session.close()
    assert fake.arrivals == ["501\n", "501\n", "501\n"]
