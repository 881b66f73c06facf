"""The real process in webhook mode against the sandbox: answered through webhook delivery,
and a message sent while the process lay killed is delivered again and answered once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox import SandboxClient, SandboxServer
from sandbox.client_user import SandboxUser
from sandbox.updates import UpdateQueue
from sandbox.webhooks import RetryPolicy
from storage.db import Database
from storage.migrate import upgrade
from tests.pg import database_url
from tests.process import BotProcess
from tests.test_e2e_inbox import _wait_until_drained

pytestmark = pytest.mark.e2e

BOT_ID = 123456
SECRET = "e2e_Webhook-secret"


async def _until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within 30 s: {what}")


async def _replies(user: SandboxUser) -> list[str]:
    return [m.text or "" for m in (await user.chat_view(files=False)).bot_messages]


async def test_webhook_mode_answers_and_survives_sigkill(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    db_url = database_url(tmp_path, "webhook.db")
    db = Database(db_url)
    await upgrade(db)
    queue: UpdateQueue = sandbox.state.bot_for_token(BOT_ID).updates
    queue.webhook.retry = RetryPolicy(first_delay=0.05, factor=2.0, max_delay=0.3)
    bot = BotProcess(
        tmp_path,
        {
            "BOT_TOKEN": f"{BOT_ID}:E2E-WEBHOOK",
            "TELEGRAM_API_BASE": sandbox.base_url,
            "DATABASE_URL": db_url,
            "WEBHOOK_SECRET": SECRET,
        },
    )
    webhook_url = f"http://127.0.0.1:{bot.web_port}/telegram/webhook"
    bot.env["WEBHOOK_URL"] = webhook_url
    try:
        await bot.start()
        async with SandboxClient(sandbox.base_url) as sb:
            newcomer = await sb.create_user("Newcomer", language_code="en")
            await newcomer.send("/start")
            reply = await newcomer.wait_for_message(timeout=30)
            assert "invite link" in reply.text
            assert queue.webhook.url == webhook_url and queue.webhook.secret_token == SECRET
            assert await sb.calls("getUpdates", include_polling=True) == []
            await _until(lambda: queue.pending == 0, "the /start delivery acknowledged")

            bot.kill()
            await newcomer.send("/help")  # Telegram holds it and keeps trying the URL
            await _until(
                lambda: queue.webhook.last_error_message == "Connection refused",
                "a delivery refused while the process is down",
            )
            assert queue.pending == 1

            await bot.start()
            await newcomer.wait_until(lambda view: len(view.bot_messages) >= 2, timeout=30)
            await _until(lambda: queue.pending == 0, "the /help delivery acknowledged")
            await _wait_until_drained(db)
            replies = await _replies(newcomer)
            assert len(replies) == 2, replies
            assert replies[0] == reply.text and replies[1] != reply.text

            bot.stop()  # SIGTERM: the webhook stays with Telegram
            assert queue.webhook.url == webhook_url
            assert await sb.calls("deleteWebhook") == []
        assert "webhook.started" in bot.log()
        assert SECRET not in bot.log()
    finally:
        bot.stop()
        await db.close()
