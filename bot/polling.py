"""Long polling that acknowledges a batch only once the inbox holds it.

aiogram's own polling moves the getUpdates offset past a batch while its handlers still
run, so a crash loses them. Here the next getUpdates (whose offset tells Telegram the
batch arrived) is sent only after `InboxProcessor.take_in` has committed the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import DeleteWebhook, GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.inbox import InboxProcessor
from bot.reply_journal import ReplyJournal
from storage.db import Database, sqlite_path

__all__ = ["BACKOFF", "front_door", "journal_path", "poll", "run_polling"]

log = logging.getLogger(__name__)

BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)  # aiogram's
POLL_TIMEOUT = 10  # seconds a getUpdates may wait for news, as aiogram's default


async def _next_batch(bot: Bot, request: GetUpdates, stop: asyncio.Event) -> list[Update] | None:
    """The next batch, or None when asked to stop first (the request is then dropped)."""
    fetch = asyncio.ensure_future(bot(request, request_timeout=POLL_TIMEOUT + 30))
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (fetch, stopped):
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    return fetch.result() if fetch.done() and not fetch.cancelled() else None


async def poll(
    bot: Bot,
    processor: InboxProcessor,
    stop: asyncio.Event,
    *,
    allowed_updates: list[str] | None = None,
    backoff_config: BackoffConfig = BACKOFF,
) -> None:
    """Fetch, store, acknowledge, until `stop` is set; errors back off and retry.

    A webhook left by webhook mode is deleted first: Telegram refuses getUpdates while one
    is set. Its pending updates stay and come with the first getUpdates.
    """
    backoff = Backoff(config=backoff_config)
    offset: int | None = None
    failed = False
    webhook_deleted = False
    while not stop.is_set():
        request = GetUpdates(offset=offset, timeout=POLL_TIMEOUT, allowed_updates=allowed_updates)
        try:
            if not webhook_deleted:
                webhook_deleted = await bot(DeleteWebhook(drop_pending_updates=False))
            updates = await _next_batch(bot, request, stop)
            if updates is None:
                break
            await processor.take_in(updates)  # durable before the offset moves past them
        except Exception as exc:  # Telegram unreachable, 5xx, database busy: try again later
            failed = True
            delay = next(backoff)
            # Telegram's description helps; a database error's text may quote the updates.
            reason = f": {exc}" if isinstance(exc, TelegramAPIError) else ""
            log.error("polling.failed error=%s%s retry_in=%.1fs", type(exc).__name__, reason, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        if failed:
            log.info("polling.recovered after=%s", backoff.counter)
            backoff.reset()
            failed = False
        if updates:
            offset = max(update.update_id for update in updates) + 1


def journal_path(db: Database) -> Path:
    """Beside a SQLite file (as its -wal is); under data/ for other databases."""
    path = sqlite_path(db.url)
    return path.with_name(f"{path.name}-replies") if path else Path("data") / "inbox-replies"


@asynccontextmanager
async def front_door(
    dispatcher: Dispatcher, bot: Bot, db: Database
) -> AsyncIterator[tuple[InboxProcessor, asyncio.Event]]:
    """What polling and the webhook share: the inbox processor (resumed, so that what a
    crash left is handled first), a stop event set by SIGTERM or SIGINT, the dispatcher's
    start-up and shut-down hooks, and the bot's session closed at the end."""
    processor = InboxProcessor(db, dispatcher, bot, ReplyJournal(journal_path(db)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workflow: dict[str, Any] = {
        "dispatcher": dispatcher,
        "bots": (bot,),
        **dispatcher.workflow_data,
    }
    await dispatcher.emit_startup(bot=bot, **workflow)
    try:
        await processor.resume()
        yield processor, stop
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        try:
            await processor.close()
            await dispatcher.emit_shutdown(bot=bot, **workflow)
        finally:
            await bot.session.close()


async def run_polling(dispatcher: Dispatcher, bot: Bot, db: Database) -> None:
    """The bot's front door until SIGTERM or SIGINT: resume the inbox, then poll."""
    async with front_door(dispatcher, bot, db) as (processor, stop):
        me = await bot.me()
        log.info("polling.started bot=@%s", me.username)
        await poll(bot, processor, stop, allowed_updates=dispatcher.resolve_used_update_types())
        log.info("polling.stopped")
