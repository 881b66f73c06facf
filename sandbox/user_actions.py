"""What sandbox users do: write, send media, press buttons, block the bot.

Each action changes the chat and queues the update Telegram would send the bot.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sandbox.errors import ControlError
from sandbox.formatting import detect_entities, utf16_len
from sandbox.media import SAMPLE_STICKER, SAMPLE_VOICE, image_size, make_png
from sandbox.state import (
    BotState,
    CallbackRecord,
    Chat,
    SandboxState,
    StoredFile,
    StoredMessage,
    UserRecord,
    now,
)
from sandbox.telegram_objects import (
    callback_query_object,
    message_object,
    my_chat_member_object,
)

MEDIA_KINDS = ("photo", "sticker", "voice", "document")


@dataclass
class Delivery:
    """The outcome of a user action: what was created and the update id (None if the
    bot's allowed_updates filtered the update out)."""

    chat: Chat
    update_id: int | None
    message: StoredMessage | None = None
    callback: CallbackRecord | None = None


def _open_chat(bot: BotState, user: UserRecord) -> Chat:
    chat = bot.chat_with(user)
    if chat.blocked:
        # Writing to a blocked bot means pressing "Restart" in Telegram: it unblocks first.
        set_blocked(bot, user, blocked=False)
    chat.started = True
    return chat


def _deliver_message(bot: BotState, chat: Chat, message: StoredMessage) -> Delivery:
    update_id = bot.updates.push("message", message_object(bot, chat, message))
    return Delivery(chat=chat, update_id=update_id, message=message)


def send_text(bot: BotState, user: UserRecord, text: str) -> Delivery:
    text = text.strip()  # Telegram clients trim what the user typed
    if not text:
        raise ControlError(400, "empty_text", "text must not be empty")
    if utf16_len(text) > 4096:
        raise ControlError(400, "text_too_long", "Telegram clients split texts over 4096 chars")
    chat = _open_chat(bot, user)
    message = chat.add(from_bot=False, text=text, entities=detect_entities(text))
    return _deliver_message(bot, chat, message)


def _media_file(state: SandboxState, kind: str, options: dict[str, Any]) -> StoredFile:
    data: bytes | None = options.get("data")
    file_name: str | None = options.get("file_name")
    if kind == "photo":
        data = data or make_png()
        size = image_size(data)
        if size is None:
            raise ControlError(400, "bad_image", "photo data is not a PNG/JPEG/GIF/WEBP image")
        return state.files.add(
            "photo", data, width=size[0], height=size[1], file_name=file_name or "photo.png"
        )
    if kind == "sticker":
        emoji = options.get("emoji") or "👍"
        return state.files.add("sticker", SAMPLE_STICKER, width=512, height=512, emoji=emoji)
    if kind == "voice":
        duration = int(options.get("duration") or 1)
        return state.files.add("voice", SAMPLE_VOICE, duration=duration, mime_type="audio/ogg")
    name = file_name or "document.txt"
    mime = options.get("mime_type") or "text/plain"
    return state.files.add("document", data or b"sandbox document", file_name=name, mime_type=mime)


def send_media(
    state: SandboxState, bot: BotState, user: UserRecord, kind: str, options: dict[str, Any]
) -> Delivery:
    """options: data (bytes), file_name, mime_type, caption, emoji (sticker), duration (voice)."""
    if kind not in MEDIA_KINDS:
        raise ControlError(400, "bad_kind", f"kind must be one of {', '.join(MEDIA_KINDS)}")
    caption = (options.get("caption") or "").strip() or None
    if kind == "sticker":
        caption = None  # stickers cannot carry captions
    stored = _media_file(state, kind, options)
    chat = _open_chat(bot, user)
    message = chat.add(
        from_bot=False,
        kind=kind,
        file=stored,
        caption=caption,
        entities=detect_entities(caption) if caption else [],
    )
    return _deliver_message(bot, chat, message)


def _bot_message(bot: BotState, user: UserRecord, message_id: int) -> tuple[Chat, StoredMessage]:
    chat = bot.chats.get(user.id)
    message = chat.messages.get(message_id) if chat else None
    if chat is None or message is None or not message.from_bot:
        raise ControlError(
            404, "message_not_found", f"no bot message {message_id} in the chat of user {user.id}"
        )
    return chat, message


def _keyboard_summary(message: StoredMessage) -> str:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    buttons = [f"{b.get('text')!r}->{b.get('callback_data')!r}" for row in rows for b in row]
    return "[" + ", ".join(buttons) + "]"


def _find_button(message: StoredMessage, label: str, keys: tuple[str, ...]) -> dict[str, Any]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    buttons = [button for row in rows for button in row]
    for key in keys:
        for button in buttons:
            if button.get(key) == label:
                return button
    raise ControlError(
        404,
        "button_not_found",
        f"no button {label!r} on message {message.message_id}; "
        f"current keyboard: {_keyboard_summary(message)}",
    )


def _deliver_callback(
    bot: BotState, chat: Chat, message: StoredMessage, data: str, *, forged: bool
) -> Delivery:
    record = CallbackRecord(
        id=str(secrets.randbits(63)),
        user_id=chat.user.id,
        message_id=message.message_id,
        data=data,
        forged=forged,
        date=now(),
    )
    chat.callbacks.append(record)
    bot.callbacks[record.id] = record
    update = callback_query_object(bot, chat, record, message)
    update_id = bot.updates.push("callback_query", update)
    return Delivery(chat=chat, update_id=update_id, callback=record)


def press(
    bot: BotState,
    user: UserRecord,
    message_id: int,
    label: str,
    keys: tuple[str, ...] = ("text", "callback_data"),
) -> Delivery:
    """Presses a button of the message's current inline keyboard.

    The button is looked up by the given keys in order; by default visible text wins
    over callback_data, as a person would pick by label.
    """
    chat, message = _bot_message(bot, user, message_id)
    button = _find_button(message, label, keys)
    data = button.get("callback_data")
    if data is None:
        raise ControlError(
            400,
            "not_callback_button",
            f"button {button.get('text')!r} has no callback_data; pressing it sends no update",
        )
    return _deliver_callback(bot, chat, message, str(data), forged=False)


def forged_press(bot: BotState, user: UserRecord, message_id: int, data: str) -> Delivery:
    """A callback with arbitrary data, as a modified client or a stale button would send."""
    chat, message = _bot_message(bot, user, message_id)
    return _deliver_callback(bot, chat, message, data, forged=True)


def set_blocked(bot: BotState, user: UserRecord, *, blocked: bool) -> int | None:
    """Blocks/unblocks the bot for the user; Telegram reports it as a my_chat_member update."""
    chat = bot.chat_with(user)
    if chat.blocked == blocked:
        return None
    chat.blocked = blocked
    if not chat.started:
        return None  # the bot never had this chat, so Telegram tells it nothing
    return bot.updates.push("my_chat_member", my_chat_member_object(bot, chat, blocked=blocked))
