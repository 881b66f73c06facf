"""One error handler: log with ids only (never personal data), tell the user something useful."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from aiogram import Bot, Router
from aiogram.types import ErrorEvent

from i18n import DEFAULT_LOCALE, Translator

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, translator: Translator, **data: Any) -> None:
    update = event.update
    # Frames only: an exception's message may quote SQL parameters or the user's text.
    frames = "".join(traceback.format_tb(event.exception.__traceback__))
    log.error(
        "update.failed update=%s error=%s\n%s",
        update.update_id,
        type(event.exception).__name__,
        frames,
    )
    message = update.message or (update.callback_query.message if update.callback_query else None)
    if message is None:
        return
    locale = data.get("locale") or DEFAULT_LOCALE
    try:
        await bot.send_message(message.chat.id, translator.get(locale, "error.generic"))
    except Exception:
        log.warning("update.error_reply_failed update=%s", update.update_id)


def build_router() -> Router:
    router = Router(name=__name__)
    router.errors()(on_error)
    return router
