"""A Bot whose session records every request and answers like the Bot API would.

Used with `Dispatcher.feed_update` for fast handler tests: no network, but the handlers
get back real `Message` objects with ids, so edits and keyboards behave as in Telegram.
It refuses what Telegram refuses for size, with Telegram's errors (through the sandbox's
checks): a text over 4,096 characters after entity parsing, a caption over 1,024, more
than 100 inline buttons, callback data over 64 bytes, a callback answer over 200. A text
sent with the bot's default parse mode is read as HTML, as the production bot sends it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, User

from sandbox.api_common import inline_keyboard
from sandbox.errors import ApiError, bad_request
from sandbox.formatting import render

BOT_USER = User(id=42, is_bot=True, first_name="Mentor Test", username="mentor_test_bot")


@dataclass
class Request:
    method: str
    params: dict[str, Any]


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Request] = []
        self.sent: dict[tuple[int, int], Message] = {}
        self.refused: list[Request] = []  # what Telegram would have answered with a 400
        self._ids = itertools.count(1000)

    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        params = method.model_dump(exclude_none=True)
        self.requests.append(Request(type(method).__name__, params))
        try:
            _check_limits(params)
        except ApiError as error:
            self.refused.append(Request(type(method).__name__, params))
            self.check_response(bot, method, error.status, json.dumps(error.payload()))
        return self._answer(method, params)  # type: ignore[return-value]

    def _answer(self, method: TelegramMethod[Any], params: dict[str, Any]) -> Any:
        name = type(method).__name__
        if name == "GetMe":
            return BOT_USER
        if name in ("SendMessage", "SendPhoto", "SendDocument"):
            message = Message(
                message_id=next(self._ids),
                date=datetime.now(UTC),
                chat=Chat(id=int(params["chat_id"]), type="private"),
                from_user=BOT_USER,
                text=params.get("text"),
                caption=params.get("caption"),
                reply_markup=_markup(params.get("reply_markup")),
            )
            self.sent[(message.chat.id, message.message_id)] = message
            return message
        if name in ("EditMessageText", "EditMessageReplyMarkup"):
            key = (int(params["chat_id"]), int(params["message_id"]))
            old = self.sent[key]
            changes: dict[str, Any] = {"reply_markup": _markup(params.get("reply_markup"))}
            if "text" in params:
                changes["text"] = params["text"]
            self.sent[key] = old.model_copy(update=changes)
            return self.sent[key]
        return True

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:  # pragma: no cover - not used by the bot
        yield b""

    # Helpers for assertions -------------------------------------------------------------
    def of(self, method: str) -> list[dict[str, Any]]:
        return [r.params for r in self.requests if r.method == method]


def _parse_mode(params: dict[str, Any]) -> str | None:
    mode = params.get("parse_mode")
    return "HTML" if isinstance(mode, Default) else mode


def _check_limits(params: dict[str, Any]) -> None:
    if isinstance(params.get("text"), str) and "callback_query_id" not in params:
        render(params["text"], _parse_mode(params), None, limit=4096, field="text")
    if isinstance(params.get("caption"), str) and params["caption"]:
        render(params["caption"], _parse_mode(params), None, limit=1024, field="caption")
    if "callback_query_id" in params and len(params.get("text") or "") > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        inline_keyboard(markup["inline_keyboard"])


def _markup(value: Any) -> InlineKeyboardMarkup | None:
    if not value or "inline_keyboard" not in value:
        return None
    return InlineKeyboardMarkup.model_validate(value)
