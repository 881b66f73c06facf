"""Shared pieces of the Bot API method implementations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sandbox.errors import bad_request, forbidden
from sandbox.params import Params
from sandbox.state import BotState, Chat, SandboxState, StoredMessage

# Any one of these makes an inline button actionable; a text-only button is invalid.
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100


@dataclass
class MethodContext:
    state: SandboxState
    bot: BotState
    params: Params


Handler = Callable[[MethodContext], Awaitable[Any]]


def target_chat(ctx: MethodContext, *, sending: bool) -> Chat:
    """The private chat addressed by chat_id, with Telegram's errors for unusable chats."""
    chat_id = ctx.params.chat_id()
    chat = ctx.bot.chats.get(chat_id or 0)
    if chat is None or not chat.started:
        if chat_id in ctx.state.users:
            raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")
    if sending and chat.blocked:
        raise forbidden("bot was blocked by the user")
    return chat


def find_message(ctx: MethodContext, chat: Chat, missing: str) -> StoredMessage:
    message_id = ctx.params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request(missing)
    return message


@dataclass
class MarkupChange:
    """What a reply_markup parameter does: the inline keyboard stored on the message,
    or a change of the chat's reply keyboard (which Telegram never echoes back)."""

    inline: dict[str, Any] | None = None
    reply_keyboard: list[list[str]] | None = None
    remove_reply_keyboard: bool = False

    def apply_to_chat(self, chat: Chat) -> None:
        if self.reply_keyboard is not None:
            chat.reply_keyboard = self.reply_keyboard
        elif self.remove_reply_keyboard:
            chat.reply_keyboard = None


def read_markup(params: Params, *, inline_only: bool) -> MarkupChange:
    raw = params.json("reply_markup")
    if raw is None:
        return MarkupChange()
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return MarkupChange(inline=inline_keyboard(raw["inline_keyboard"]))
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in raw:
        return MarkupChange(reply_keyboard=_reply_keyboard(raw["keyboard"]))
    if raw.get("remove_keyboard"):
        return MarkupChange(remove_reply_keyboard=True)
    if raw.get("force_reply"):
        return MarkupChange()
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_keyboard(rows: Any) -> dict[str, Any] | None:
    """An inline keyboard as Telegram stores it, or Telegram's 400 for one it refuses (also
    used by tests/recording.py, so chat tests meet the same limits)."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    kept = [[_inline_button(button) for button in row] for row in rows if row]
    # An empty inline keyboard is the same as none: Telegram omits it from the Message.
    return {"inline_keyboard": kept} if kept else None


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if not any(key in button for key in _INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and (not isinstance(url, str) or not url or any(c.isspace() for c in url)):
        raise bad_request("BUTTON_URL_INVALID")
    return dict(button)


def _reply_keyboard(rows: Any) -> list[list[str]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    texts = [
        [button if isinstance(button, str) else str(button.get("text", "")) for button in row]
        for row in rows
    ]
    return [row for row in texts if row]


def reply_target(ctx: MethodContext, chat: Chat) -> int | None:
    """The message a new message replies to (reply_parameters or the legacy parameter)."""
    parameters = ctx.params.json("reply_parameters")
    allow_missing = ctx.params.flag("allow_sending_without_reply")
    message_id = ctx.params.integer("reply_to_message_id")
    if isinstance(parameters, dict):
        message_id = parameters.get("message_id")
        allow_missing = bool(parameters.get("allow_sending_without_reply", allow_missing))
    if message_id is None:
        return None
    if not isinstance(message_id, int) or message_id not in chat.messages:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return message_id
