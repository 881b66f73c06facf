"""Webhook mode: Telegram posts each update to WEBHOOK_URL, a route of our web server.

The rule is polling's: Telegram hears 200 only once the update is committed to the inbox
(`InboxProcessor.take_in`); the handlers run afterwards in the inbox's lanes, and a
redelivered update_id is skipped there. Anything else (a database error, the process not
ready yet) is not 2xx, so Telegram keeps the update and tries again.

The webhook is set at every start and deliberately not deleted at stop: Telegram keeps it
and holds the updates that arrive meanwhile, retrying them until the next start takes them
in. Long polling deletes it before its first getUpdates (bot/polling.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SetWebhook
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig
from aiohttp import web
from pydantic import ValidationError

from bot.inbox import InboxProcessor
from bot.polling import BACKOFF, front_door
from bot.settings import Settings, SettingsError
from storage.db import Database

__all__ = [
    "SECRET_HEADER",
    "WebhookReceiver",
    "run_webhook",
    "set_webhook",
    "webhook_path",
    "webhook_receiver",
]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    """Where the route listens: the path of the public URL (a proxy must keep it)."""
    return urlsplit(url).path or "/"


def webhook_receiver(settings: Settings, bot: Bot) -> WebhookReceiver | None:
    """The route for webhook mode, or None for long polling (no WEBHOOK_URL)."""
    if not settings.webhook_url or settings.webhook_secret is None:  # settings check the pair
        return None
    return WebhookReceiver(bot, settings.webhook_url, settings.webhook_secret.get_secret_value())


class WebhookReceiver:
    """The route: checks the secret, reads the update, commits it to the inbox, says 200.

    Until `open` (the inbox has resumed what a crash left) and after `close` it answers
    503: Telegram keeps the update for later, and nothing is taken in twice at start-up.
    """

    def __init__(self, bot: Bot, url: str, secret: str) -> None:
        self.bot = bot
        self.url = url
        self.secret = secret
        self._processor: InboxProcessor | None = None

    def open(self, processor: InboxProcessor) -> None:
        self._processor = processor

    def close(self) -> None:
        self._processor = None

    def mount(self, app: web.Application) -> None:
        app.router.add_post(webhook_path(self.url), self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret.encode()):
            log.warning("webhook.refused reason=secret_token")
            return web.Response(status=401, text="Unauthorized")
        processor = self._processor
        if processor is None:
            return web.Response(status=503, text="Not ready")
        try:
            update = Update.model_validate_json(await request.read(), context={"bot": self.bot})
        except ValidationError:
            log.warning("webhook.refused reason=not_an_update")
            return web.Response(status=400, text="Not an update")
        try:
            await processor.take_in([update])
        except Exception as exc:  # not stored: Telegram tries again
            log.error(
                "webhook.take_in_failed update=%s error=%s", update.update_id, type(exc).__name__
            )
            return web.Response(status=500, text="Not stored")
        return web.Response(text="")


async def set_webhook(
    bot: Bot,
    url: str,
    secret: str,
    allowed_updates: list[str],
    stop: asyncio.Event,
    *,
    backoff_config: BackoffConfig = BACKOFF,
) -> bool:
    """Tell Telegram where to post, retrying a network failure until `stop`; a URL Telegram
    refuses stops the start as one line. Returns False when stopped first."""
    backoff = Backoff(config=backoff_config)
    request = SetWebhook(url=url, secret_token=secret, allowed_updates=allowed_updates)
    while not stop.is_set():
        try:
            await bot(request)
            return True
        except TelegramBadRequest as exc:
            raise SettingsError(
                f"setting WEBHOOK_URL: Telegram refused it: {exc.message}"
            ) from None
        except Exception as exc:  # Telegram unreachable or 5xx: the old webhook, if any, works
            delay = next(backoff)
            log.error("webhook.set_failed error=%s retry_in=%.1fs", type(exc).__name__, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
    return False


async def run_webhook(
    dispatcher: Dispatcher, bot: Bot, db: Database, receiver: WebhookReceiver
) -> None:
    """The bot's front door until SIGTERM or SIGINT: resume the inbox, open the route, then
    set the webhook (the web server with the route is already listening)."""
    async with front_door(dispatcher, bot, db) as (processor, stop):
        try:
            me = await bot.me()
            receiver.open(processor)
            allowed = dispatcher.resolve_used_update_types()
            if await set_webhook(bot, receiver.url, receiver.secret, allowed, stop):
                log.info("webhook.started bot=@%s path=%s", me.username, webhook_path(receiver.url))
                await stop.wait()
            # Not deleted: Telegram holds what comes meanwhile and delivers it after the restart.
            log.info("webhook.stopped")
        finally:
            receiver.close()
