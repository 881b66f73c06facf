"""Rendering sandbox state as Telegram Bot API objects (Message, PhotoSize, ...)."""

from __future__ import annotations

from typing import Any

from sandbox.state import BotState, CallbackRecord, Chat, StoredFile, StoredMessage, now


def file_object(stored: StoredFile) -> Any:
    """The media field of a Message; a photo is a list of sizes (here: one size)."""
    base: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.kind == "photo":
        return [{**base, "width": stored.width, "height": stored.height}]
    if stored.kind == "sticker":
        sticker = {
            **base,
            "type": "regular",
            "width": stored.width,
            "height": stored.height,
            "is_animated": False,
            "is_video": False,
        }
        if stored.emoji:
            sticker["emoji"] = stored.emoji
        return sticker
    if stored.kind == "voice":
        return {**base, "duration": stored.duration or 1, "mime_type": stored.mime_type}
    document = dict(base)
    if stored.file_name is not None:
        document["file_name"] = stored.file_name
    if stored.mime_type is not None:
        document["mime_type"] = stored.mime_type
    return document


def file_info_object(stored: StoredFile) -> dict[str, Any]:
    """The File object returned by getFile."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


def message_object(
    bot: BotState, chat: Chat, message: StoredMessage, *, with_reply: bool = True
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot.user_json() if message.from_bot else chat.user.telegram(),
        "chat": chat.user.private_chat(),
        "date": message.date,
    }
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    if message.file is not None:
        data[message.kind] = file_object(message.file)
    if message.text is not None:
        data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
    if message.caption is not None:
        data["caption"] = message.caption
        if message.entities:
            data["caption_entities"] = message.entities
    if message.reply_markup is not None:
        data["reply_markup"] = message.reply_markup
    replied = chat.messages.get(message.reply_to_message_id or 0)
    if with_reply and replied is not None:
        data["reply_to_message"] = message_object(bot, chat, replied, with_reply=False)
    return data


def chat_instance(bot: BotState, chat: Chat) -> str:
    """Stable per (bot, chat) like Telegram's opaque chat_instance."""
    return str(-(chat.user.id * 1_000_003 + (bot.id or 0)) % 10**19)


def callback_query_object(
    bot: BotState, chat: Chat, record: CallbackRecord, message: StoredMessage
) -> dict[str, Any]:
    return {
        "id": record.id,
        "from": chat.user.telegram(),
        "message": message_object(bot, chat, message),
        "chat_instance": chat_instance(bot, chat),
        "data": record.data,
    }


def my_chat_member_object(bot: BotState, chat: Chat, *, blocked: bool) -> dict[str, Any]:
    """The my_chat_member update Telegram sends when a user blocks or unblocks the bot."""
    member = {"status": "member", "user": bot.user_json()}
    kicked = {"status": "kicked", "user": bot.user_json(), "until_date": 0}
    return {
        "chat": chat.user.private_chat(),
        "from": chat.user.telegram(),
        "date": now(),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }
