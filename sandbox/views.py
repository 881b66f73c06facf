"""JSON shapes of the control API: the chat as a user sees it, faults, bots, commands.

These are meant for tests and for a browser chat page, so they are flat and explicit
(nulls instead of missing keys) rather than Telegram-shaped.
"""

from __future__ import annotations

import base64
from typing import Any

from sandbox.state import BotState, CallbackRecord, Chat, Fault, StoredFile, StoredMessage

CONTROL_PREFIX = "/_sandbox"


def file_view(stored: StoredFile, *, include_data: bool) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "kind": stored.kind,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": stored.size,
        "width": stored.width,
        "height": stored.height,
        "duration": stored.duration,
        "emoji": stored.emoji,
        "url": f"{CONTROL_PREFIX}/files/{stored.file_id}",
        "data_base64": base64.b64encode(stored.data).decode() if include_data else None,
    }


def keyboard_view(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [
        [
            {
                "text": button.get("text", ""),
                "callback_data": button.get("callback_data"),
                "url": button.get("url"),
            }
            for button in row
        ]
        for row in rows
    ]


def message_view(message: StoredMessage, *, include_files: bool) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "sender": "bot" if message.from_bot else "user",
        "date": message.date,
        "edit_date": message.edit_date,
        "kind": message.kind,
        "text": message.text,
        "caption": message.caption,
        "entities": message.entities,
        "parse_mode": message.parse_mode,
        "keyboard": keyboard_view(message.reply_markup),
        "file": file_view(message.file, include_data=include_files) if message.file else None,
        "reply_to_message_id": message.reply_to_message_id,
    }


def callback_view(record: CallbackRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "message_id": record.message_id,
        "data": record.data,
        "forged": record.forged,
        "date": record.date,
        "answered": record.answered,
        "text": record.text,
        "show_alert": record.show_alert,
        "url": record.url,
    }


def bot_view(bot: BotState) -> dict[str, Any]:
    return {
        "id": bot.id,
        "username": bot.username,
        "first_name": bot.first_name,
        "connected": bot.id is not None,
        "pending_updates": bot.updates.pending,
        "allowed_updates": bot.updates.allowed_updates,
    }


def chat_view(bot: BotState, chat: Chat, *, include_files: bool) -> dict[str, Any]:
    return {
        "user": chat.user.telegram(),
        "bot": bot_view(bot),
        "started": chat.started,
        "blocked": chat.blocked,
        "messages": [message_view(m, include_files=include_files) for m in chat.messages.values()],
        "last_message_id": chat.last_message_id,
        "callbacks": [callback_view(record) for record in chat.callbacks],
        "reply_keyboard": chat.reply_keyboard,
        "last_action": chat.last_action,
        "menu_button": chat.menu_button or bot.default_menu_button,
    }


def fault_view(fault: Fault) -> dict[str, Any]:
    return {
        "method": fault.method,
        "status": fault.status,
        "remaining": fault.remaining,
        "retry_after": fault.retry_after,
        "description": fault.description,
    }


def commands_view(bot: BotState) -> list[dict[str, Any]]:
    return [dict(entry) for entry in bot.commands.values()]
