"""Typed views of the control API's JSON, as returned by :mod:`sandbox.client`."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ChatFile:
    file_id: str
    kind: str  # photo | document | sticker | voice
    file_name: str | None
    mime_type: str | None
    file_size: int
    width: int | None
    height: int | None
    duration: int | None
    emoji: str | None
    url: str  # path of the raw bytes on the sandbox: /_sandbox/files/<file_id>
    data: bytes | None  # None when the chat was fetched without files

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ChatFile:
        encoded = raw.get("data_base64")
        return cls(
            file_id=raw["file_id"],
            kind=raw["kind"],
            file_name=raw.get("file_name"),
            mime_type=raw.get("mime_type"),
            file_size=raw["file_size"],
            width=raw.get("width"),
            height=raw.get("height"),
            duration=raw.get("duration"),
            emoji=raw.get("emoji"),
            url=raw["url"],
            data=base64.b64decode(encoded) if encoded is not None else None,
        )


@dataclass(frozen=True)
class ChatMessage:
    """A message as the user sees it now (current text, current keyboard)."""

    message_id: int
    sender: str  # "bot" | "user"
    date: int
    edit_date: int | None
    kind: str  # text | photo | document | sticker | voice
    text: str | None
    caption: str | None
    entities: list[dict[str, Any]]
    parse_mode: str | None
    keyboard: list[list[Button]]
    file: ChatFile | None
    reply_to_message_id: int | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ChatMessage:
        return cls(
            message_id=raw["message_id"],
            sender=raw["sender"],
            date=raw["date"],
            edit_date=raw.get("edit_date"),
            kind=raw["kind"],
            text=raw.get("text"),
            caption=raw.get("caption"),
            entities=list(raw.get("entities") or []),
            parse_mode=raw.get("parse_mode"),
            keyboard=[[Button(**button) for button in row] for row in raw.get("keyboard", [])],
            file=ChatFile.from_json(raw["file"]) if raw.get("file") else None,
            reply_to_message_id=raw.get("reply_to_message_id"),
        )

    @property
    def is_bot(self) -> bool:
        return self.sender == "bot"

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has ("" for neither)."""
        return self.text or self.caption or ""

    @property
    def buttons(self) -> list[Button]:
        return [button for row in self.keyboard for button in row]

    def button_texts(self) -> list[str]:
        return [button.text for button in self.buttons]

    def button(self, label: str) -> Button | None:
        """The button with this text, else with this callback_data."""
        by_text = (b for b in self.buttons if b.text == label)
        by_data = (b for b in self.buttons if b.callback_data == label)
        return next(by_text, None) or next(by_data, None)

    def describe(self) -> str:
        """One line for assertion messages."""
        body = self.content.replace("\n", " ")
        if len(body) > 80:
            body = body[:77] + "..."
        buttons = f" buttons={self.button_texts()}" if self.keyboard else ""
        return f"#{self.message_id} {self.sender} [{self.kind}] {body!r}{buttons}"


@dataclass(frozen=True)
class CallbackInfo:
    """One button press and how the bot answered it (answerCallbackQuery)."""

    id: str
    message_id: int
    data: str
    forged: bool
    date: int
    answered: bool
    text: str | None
    show_alert: bool
    url: str | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> CallbackInfo:
        return cls(**raw)


@dataclass(frozen=True)
class PressResult:
    callback: CallbackInfo
    update_id: int | None  # None when the bot's allowed_updates excludes callback_query
    last_message_id: int


@dataclass(frozen=True)
class BotInfo:
    id: int | None  # None until a bot token has called the API
    username: str
    first_name: str
    connected: bool
    pending_updates: int
    allowed_updates: list[str] | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> BotInfo:
        return cls(**raw)


@dataclass(frozen=True)
class ChatView:
    user: dict[str, Any]  # Telegram User object of the sandbox user
    bot: BotInfo
    started: bool
    blocked: bool
    messages: list[ChatMessage]
    last_message_id: int
    callbacks: list[CallbackInfo]
    reply_keyboard: list[list[str]] | None
    last_action: dict[str, Any] | None
    menu_button: dict[str, Any] | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ChatView:
        return cls(
            user=raw["user"],
            bot=BotInfo.from_json(raw["bot"]),
            started=raw["started"],
            blocked=raw["blocked"],
            messages=[ChatMessage.from_json(m) for m in raw["messages"]],
            last_message_id=raw["last_message_id"],
            callbacks=[CallbackInfo.from_json(c) for c in raw["callbacks"]],
            reply_keyboard=raw.get("reply_keyboard"),
            last_action=raw.get("last_action"),
            menu_button=raw.get("menu_button"),
        )

    @property
    def bot_messages(self) -> list[ChatMessage]:
        return [message for message in self.messages if message.is_bot]

    def message(self, message_id: int) -> ChatMessage | None:
        return next((m for m in self.messages if m.message_id == message_id), None)


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request the bot made, with parameters decoded (JSON fields as objects)."""

    seq: int
    time: float
    bot_id: int | None
    method: str
    params: dict[str, Any]
    status: int
    ok: bool
    description: str | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ApiCall:
        return cls(**raw)


@dataclass(frozen=True)
class FaultInfo:
    method: str
    status: int
    remaining: int
    retry_after: int | None
    description: str | None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> FaultInfo:
        return cls(**raw)


@dataclass(frozen=True)
class CommandSet:
    scope: dict[str, Any]
    language_code: str | None
    commands: list[dict[str, str]]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> CommandSet:
        return cls(**raw)
