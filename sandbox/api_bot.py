"""Bot API methods about the bot itself: identity, updates, callbacks, commands, files."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.api_common import Handler, MethodContext, target_chat
from sandbox.errors import ApiError, bad_request
from sandbox.telegram_objects import file_info_object
from sandbox.webhooks import check_secret_token, check_webhook_url

_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_MENU_BUTTON_TYPES = frozenset({"default", "commands", "web_app"})


async def get_me(ctx: MethodContext) -> dict[str, Any]:
    return {
        **ctx.bot.user_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _allowed_updates(ctx: MethodContext) -> list[str] | None:
    allowed = ctx.params.json("allowed_updates")
    if allowed is not None and not (
        isinstance(allowed, list) and all(isinstance(item, str) for item in allowed)
    ):
        raise bad_request("can't parse allowed_updates JSON object")
    return allowed


async def get_updates(ctx: MethodContext) -> list[dict[str, Any]]:
    allowed = _allowed_updates(ctx)
    if ctx.bot.updates.webhook.active:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    return await ctx.bot.updates.get(
        offset=ctx.params.integer("offset"),
        limit=ctx.params.integer("limit"),
        timeout=ctx.params.integer("timeout"),
        allowed_updates=allowed,
    )


async def set_webhook(ctx: MethodContext) -> bool:
    """An empty url removes the webhook, as Telegram documents."""
    url = ctx.params.text("url") or ""
    secret_token = ctx.params.text("secret_token") or None
    allowed = _allowed_updates(ctx)
    if url:
        check_webhook_url(url)
    if secret_token is not None:
        check_secret_token(secret_token)
    if ctx.params.flag("drop_pending_updates"):
        ctx.bot.updates.clear()
    ctx.bot.updates.allow(allowed)
    if url:
        await ctx.bot.updates.webhook.set(url, secret_token)
    else:
        await ctx.bot.updates.webhook.delete()
    return True


async def delete_webhook(ctx: MethodContext) -> bool:
    if ctx.params.flag("drop_pending_updates"):
        ctx.bot.updates.clear()
    await ctx.bot.updates.webhook.delete()
    return True


async def get_webhook_info(ctx: MethodContext) -> dict[str, Any]:
    return ctx.bot.updates.webhook.info()


async def answer_callback_query(ctx: MethodContext) -> bool:
    record = ctx.bot.callbacks.get(ctx.params.text("callback_query_id") or "")
    if record is None or record.answered:
        raise bad_request(_QUERY_TOO_OLD)
    text = ctx.params.text("text") or None
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.text = text
    record.show_alert = ctx.params.flag("show_alert")
    record.url = ctx.params.text("url") or None
    return True


def _scope_key(ctx: MethodContext) -> tuple[tuple[str, str], dict[str, Any]]:
    """The key commands are stored under: exact scope and language, as Telegram keys them."""
    scope = ctx.params.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    scope = dict(scope)
    if scope["type"] in {"chat", "chat_administrators", "chat_member"}:
        try:
            scope["chat_id"] = int(scope.get("chat_id", ""))
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = ctx.bot.chats.get(scope["chat_id"])
        if chat is None or not chat.started:
            raise bad_request("chat not found")
    language = ctx.params.text("language_code") or ""
    return (json.dumps(scope, sort_keys=True), language), scope


def _commands(raw: Any) -> list[dict[str, str]]:
    if raw is None:
        raise bad_request('parameter "commands" is required')
    if not isinstance(raw, list):
        raise bad_request("can't parse commands JSON object")
    if len(raw) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    commands = []
    for item in raw:
        command = item.get("command") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if not isinstance(command, str) or not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": command, "description": description})
    return commands


async def set_my_commands(ctx: MethodContext) -> bool:
    commands = _commands(ctx.params.json("commands"))
    key, scope = _scope_key(ctx)
    if commands:
        ctx.bot.commands[key] = {
            "scope": scope,
            "language_code": key[1] or None,
            "commands": commands,
        }
    else:
        ctx.bot.commands.pop(key, None)  # an empty list is the same as deleting
    return True


async def delete_my_commands(ctx: MethodContext) -> bool:
    key, _ = _scope_key(ctx)
    ctx.bot.commands.pop(key, None)
    return True


async def get_my_commands(ctx: MethodContext) -> list[dict[str, str]]:
    key, _ = _scope_key(ctx)
    entry = ctx.bot.commands.get(key)
    return list(entry["commands"]) if entry else []


def _menu_button(raw: Any) -> dict[str, Any]:
    button = raw or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in _MENU_BUTTON_TYPES:
        raise bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app" and not (button.get("text") and button.get("web_app")):
        raise bad_request("can't parse menu button JSON object")
    return dict(button)


async def set_chat_menu_button(ctx: MethodContext) -> bool:
    button = _menu_button(ctx.params.json("menu_button"))
    if ctx.params.chat_id(required=False) is None:
        ctx.bot.default_menu_button = button
    else:
        target_chat(ctx, sending=False).menu_button = button
    return True


async def get_chat_menu_button(ctx: MethodContext) -> dict[str, Any]:
    default = ctx.bot.default_menu_button or {"type": "default"}
    if ctx.params.chat_id(required=False) is None:
        return default
    return target_chat(ctx, sending=False).menu_button or default


async def get_file(ctx: MethodContext) -> dict[str, Any]:
    stored = ctx.state.files.get(ctx.params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return file_info_object(stored)


async def get_chat(ctx: MethodContext) -> dict[str, Any]:
    chat = target_chat(ctx, sending=False)
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    return {
        **chat.user.private_chat(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            **dict.fromkeys(gifts, True),
            "gifts_from_channels": True,
        },
    }


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getMyCommands": get_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getFile": get_file,
    "getChat": get_chat,
}
