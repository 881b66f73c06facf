"""A Bot whose session records every request and answers like the Bot API would.

Used with `Dispatcher.feed_update` for fast handler tests: no network, but the handlers
get back real `Message` objects with ids, so edits and keyboards behave as in Telegram.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, User

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
        self._ids = itertools.count(1000)

    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        params = method.model_dump(exclude_none=True)
        self.requests.append(Request(type(method).__name__, params))
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


def _markup(value: Any) -> InlineKeyboardMarkup | None:
    if not value or "inline_keyboard" not in value:
        return None
    return InlineKeyboardMarkup.model_validate(value)
