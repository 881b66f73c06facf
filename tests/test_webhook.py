"""The webhook route: the secret is checked, an update is in the inbox before the 200, it is
handled afterwards and once, and a polling bot deletes a webhook left behind."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update
from aiogram.utils.backoff import BackoffConfig

from bot.factory import build_bot
from bot.inbox import InboxProcessor
from bot.polling import poll
from bot.reply_journal import ReplyJournal
from bot.settings import SettingsError
from bot.web import build_web_app, start_web
from bot.webhook import SECRET_HEADER, WebhookReceiver, set_webhook
from sandbox import SandboxClient, SandboxServer
from storage import inbox
from storage.db import Database
from tests.process import free_port

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "Webhook_secret-42"
QUICK = BackoffConfig(min_delay=0.01, max_delay=0.05, factor=1.5, jitter=0.0)


def _update(update_id: int, text: str = "привет", chat_id: int = 700_000_001) -> dict[str, Any]:
    person = {"id": chat_id, "is_bot": False, "first_name": "Анна"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_772_442_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Анна"},
            "from": person,
            "text": text,
        },
    }


class Gate:
    """A handler that records each update it handles and waits for `release`."""

    def __init__(self) -> None:
        self.handled: list[int] = []
        self.release = asyncio.Event()
        self.dispatcher = Dispatcher()
        self.dispatcher.message()(self.on_message)

    async def on_message(self, message: Message, event_update: Update) -> None:
        await self.release.wait()
        self.handled.append(event_update.update_id)


class BrokenInbox(InboxProcessor):
    async def take_in(self, updates: Sequence[Update]) -> None:
        raise OSError("disk I/O error")


@dataclass
class Route:
    url: str
    receiver: WebhookReceiver
    processor: InboxProcessor
    gate: Gate
    http: aiohttp.ClientSession

    async def post(self, body: Any, secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        async with self.http.post(self.url, data=data, headers=headers) as response:
            return response.status


@pytest.fixture
async def bot(sandbox: SandboxServer) -> AsyncIterator[Bot]:
    instance = build_bot("123456:WEBHOOK", sandbox.base_url)
    yield instance
    await instance.session.close()


@pytest.fixture
async def route(db: Database, tmp_path: Path, bot: Bot) -> AsyncIterator[Route]:
    gate = Gate()
    processor = InboxProcessor(
        db, gate.dispatcher, bot, ReplyJournal(tmp_path / "replies"), now=lambda: NOW
    )
    await processor.resume()
    port = free_port()
    receiver = WebhookReceiver(bot, f"https://mentor.example.org:8443/tg/{port}", SECRET)
    receiver.open(processor)
    runner = await start_web(build_web_app(db, webhook=receiver), "127.0.0.1", port)
    async with aiohttp.ClientSession() as http:
        yield Route(f"http://127.0.0.1:{port}/tg/{port}", receiver, processor, gate, http)
    gate.release.set()
    await processor.close()
    await runner.cleanup()


async def _stored(db: Database) -> int:
    async with db.connect() as conn:
        return await inbox.unfinished_count(conn)


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(
    route: Route, db: Database
) -> None:
    assert await route.post(_update(1), secret=None) == 401
    assert await route.post(_update(2), secret="Webhook_secret-43") == 401
    assert await route.post(_update(3), secret="") == 401
    route.gate.release.set()
    await route.processor.wait_idle()
    assert await _stored(db) == 0
    assert route.gate.handled == []


async def test_an_update_is_stored_before_the_200_and_handled_after(
    route: Route, db: Database
) -> None:
    assert await route.post(_update(10)) == 200
    assert await _stored(db) == 1  # in the inbox, its handler still waiting
    assert route.gate.handled == []
    route.gate.release.set()
    await route.processor.wait_idle()
    assert route.gate.handled == [10]


async def test_a_redelivered_update_is_handled_once(route: Route) -> None:
    assert await route.post(_update(20)) == 200
    assert await route.post(_update(20)) == 200  # Telegram did not hear the first 200
    route.gate.release.set()
    await route.processor.wait_idle()
    assert await route.post(_update(20)) == 200  # and once more after it was handled
    await route.processor.wait_idle()
    assert route.gate.handled == [20]


async def test_one_chat_in_order(route: Route) -> None:
    for update_id in (31, 32, 33):
        assert await route.post(_update(update_id)) == 200
    route.gate.release.set()
    await route.processor.wait_idle()
    assert route.gate.handled == [31, 32, 33]


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", json.dumps({"message": {"text": "no id"}}), b""]
)
async def test_a_body_that_is_not_an_update_is_400(
    route: Route, db: Database, body: bytes | str
) -> None:
    assert await route.post(body) == 400
    assert await _stored(db) == 0


async def test_not_ready_or_not_stored_is_not_2xx_so_telegram_retries(
    route: Route, db: Database, bot: Bot, tmp_path: Path
) -> None:
    route.receiver.close()  # start-up before the inbox resumed, or shutting down
    assert await route.post(_update(40)) == 503
    broken = BrokenInbox(db, route.gate.dispatcher, bot, ReplyJournal(tmp_path / "broken"))
    route.receiver.open(broken)
    assert await route.post(_update(41)) == 500
    assert await _stored(db) == 0
    route.receiver.open(route.processor)
    assert await route.post(_update(41)) == 200
    await broken.close()


async def test_polling_deletes_a_webhook_left_behind(
    db: Database, tmp_path: Path, sandbox: SandboxServer, bot: Bot
) -> None:
    await bot.set_webhook(f"http://127.0.0.1:{free_port()}/tg", secret_token=SECRET)
    echo = Dispatcher()

    @echo.message()
    async def answer(message: Message) -> None:
        await message.answer(f"Получено: {message.text}")

    processor = InboxProcessor(db, echo, bot, ReplyJournal(tmp_path / "replies"), now=lambda: NOW)
    await processor.resume()
    async with SandboxClient(sandbox.base_url, poll_interval=0.02) as sb:
        anna = await sb.create_user("Анна")
        await anna.send("сообщение в вебхук")
        stop = asyncio.Event()
        polling = asyncio.create_task(poll(bot, processor, stop, backoff_config=QUICK))
        await anna.wait_until(lambda view: len(view.bot_messages) >= 1)
        stop.set()
        await asyncio.wait_for(polling, 5)
        await processor.close()
        replies = [m.text for m in (await anna.chat_view(files=False)).bot_messages]
    assert replies == ["Получено: сообщение в вебхук"]
    assert (await bot.get_webhook_info()).url == ""


async def test_set_webhook_retries_a_telegram_failure(sandbox: SandboxServer, bot: Bot) -> None:
    async with SandboxClient(sandbox.base_url) as sb:
        await sb.inject_fault("setWebhook", status=502, count=2)
        url = f"https://mentor.example.org/tg/{free_port()}"
        assert await set_webhook(
            bot, url, SECRET, ["message"], asyncio.Event(), backoff_config=QUICK
        )
        assert [call.status for call in await sb.calls("setWebhook")] == [502, 502, 200]
    info = await bot.get_webhook_info()
    assert (info.url, info.allowed_updates) == (url, ["message"])


async def test_a_url_telegram_refuses_stops_the_start_as_one_line(
    sandbox: SandboxServer, bot: Bot
) -> None:
    async with SandboxClient(sandbox.base_url) as sb:
        await sb.inject_fault(
            "setWebhook", status=400, description="Bad Request: bad webhook: Wrong port number"
        )
    with pytest.raises(SettingsError) as refused:
        await set_webhook(bot, "https://mentor.example.org:9/tg", SECRET, [], asyncio.Event())
    assert str(refused.value) == (
        "setting WEBHOOK_URL: Telegram refused it: Bad Request: bad webhook: Wrong port number"
    )
