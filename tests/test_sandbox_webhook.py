"""The sandbox's webhooks, as Telegram's: set, reported, refused getUpdates, delivered by
POST in order with the secret header, retried until the URL says 2xx."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from sandbox import SandboxClient, SandboxServer
from sandbox.webhooks import SECRET_HEADER, RetryPolicy
from tests.process import free_port
from tests.sandbox_bot import TOKEN

# The shared fixtures, imported by name so that pytest finds them in this module.
from tests.sandbox_bot import bot as bot
from tests.sandbox_bot import sb as sb
from tests.sandbox_bot import server as server

SECRET = "s3cret_token-1"
QUICK = RetryPolicy(first_delay=0.01, factor=2.0, max_delay=0.05, timeout=5.0)


@dataclass
class Receiver:
    """The bot's side of a webhook: records each POST, answers the scripted statuses."""

    statuses: list[int] = field(default_factory=list)  # answered in turn, then 200
    posts: list[tuple[dict[str, Any], str | None, int]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let a second delivery start, if the sandbox would
            status = self.statuses.pop(0) if self.statuses else 200
            body = json.loads(await request.read())
            self.posts.append((body, request.headers.get(SECRET_HEADER), status))
            return web.Response(status=status)
        finally:
            self.in_flight -= 1

    def texts(self, status: int = 200) -> list[str]:
        return [body["message"]["text"] for body, _, code in self.posts if code == status]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hook", target.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    target.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield target
    await runner.cleanup()


@pytest.fixture(autouse=True)
def quick_retries(server: SandboxServer) -> None:
    server.state.bot_for_token(int(TOKEN.split(":")[0])).updates.webhook.retry = QUICK


async def _until(condition: Callable[[], bool]) -> None:
    """Until the condition holds, or 10 s (then the assert after it tells)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)


async def test_set_info_conflict_and_delete(bot: Bot, receiver: Receiver) -> None:
    assert await bot.set_webhook(receiver.url, secret_token=SECRET, allowed_updates=["message"])
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.allowed_updates) == (
        receiver.url,
        0,
        ["message"],
    )
    assert info.last_error_message is None
    with pytest.raises(TelegramConflictError) as conflict:
        await bot.get_updates(timeout=0)
    assert conflict.value.message == (
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == []


async def test_refuses_what_telegram_refuses(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="An HTTPS URL must be provided"):
        await bot.set_webhook("http://example.org/hook")
    with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
        await bot.set_webhook("https://example.org/hook", secret_token="no spaces")
    assert (await bot.get_webhook_info()).url == ""


async def test_updates_come_in_order_one_at_a_time_with_the_secret(
    bot: Bot, sb: SandboxClient, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    anna = await sb.create_user("Анна")
    for text in ("раз", "два", "три", "четыре"):
        await anna.send(text)
    await _until(lambda: len(receiver.posts) >= 4)
    assert receiver.texts() == ["раз", "два", "три", "четыре"]
    assert {secret for _, secret, _ in receiver.posts} == {SECRET}
    assert receiver.most_in_flight == 1
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_a_failing_url_gets_the_update_again_until_it_answers_2xx(
    bot: Bot, sb: SandboxClient, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    anna = await sb.create_user("Анна")
    await anna.send("первое")
    await anna.send("второе")
    await _until(lambda: len(receiver.texts()) >= 2)
    assert [(body["message"]["text"], code) for body, _, code in receiver.posts] == [
        ("первое", 500),
        ("первое", 500),
        ("первое", 200),
        ("второе", 200),
    ]
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None


async def test_an_unreachable_url_keeps_the_updates_pending(
    bot: Bot, sb: SandboxClient, receiver: Receiver
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/hook"
    await bot.set_webhook(closed, secret_token=SECRET)
    anna = await sb.create_user("Анна")
    await anna.send("пока никого")
    for _ in range(1000):
        info = await bot.get_webhook_info()
        if info.last_error_message:
            break
        await asyncio.sleep(0.01)
    assert info.last_error_message == "Connection refused"
    assert info.pending_update_count == 1
    await bot.set_webhook(receiver.url, secret_token=SECRET)  # the bot is back, elsewhere
    await _until(lambda: bool(receiver.posts))
    assert receiver.texts() == ["пока никого"]


async def test_drop_pending_updates(bot: Bot, sb: SandboxClient) -> None:
    closed = f"http://127.0.0.1:{free_port()}/hook"
    await bot.set_webhook(closed, secret_token=SECRET)
    anna = await sb.create_user("Анна")
    await anna.send("забыть")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0
    await anna.send("помнить")
    assert [u.message.text for u in await bot.get_updates(timeout=0) if u.message] == ["помнить"]
