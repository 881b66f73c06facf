"""The chat's command menu (setMyCommands with a chat scope) and /help, by the person's roles.

One table (`BY_ROLE`) drives both: the «/» menu Telegram shows and the /help text list
the same commands, with the same one-line descriptions (`commands.<name>` texts).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, Chat, TelegramObject

from i18n import Texts
from storage.people import Person

__all__ = [
    "BY_ROLE",
    "COMMON",
    "ChatMenus",
    "MenuMiddleware",
    "clear_chat_commands",
    "commands_for",
    "help_text",
    "set_chat_commands",
]

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

COMMON = ("help", "me", "language", "forget")
ROLE_ORDER = ("mentee", "mentor", "curator", "coordinator", "admin")
# Per role, in the order the menu shows them. A command a role cannot use is not here.
BY_ROLE: dict[str, tuple[str, ...]] = {
    "mentee": ("survey", "plan", "meetings"),
    "mentor": ("survey", "plan", "meeting", "meetings", "notes"),
    "curator": (
        "pairs",
        "meeting",
        "meetings",
        "survey_wave",
        "responses",
        "consents",
        "notes",
        "group_meeting",
        "roadmap",
        "stats",
        "headcount",
        "practice",
        "practices",
        "cases",
        "training",
        "admin",
    ),
    "coordinator": ("stats", "admin", "training"),
    "admin": ("stats", "admin"),
}


def _roles_in_order(roles: Iterable[str]) -> list[str]:
    held = set(roles)
    return [role for role in ROLE_ORDER if role in held]


def commands_for(roles: Iterable[str]) -> list[str]:
    names: list[str] = []
    for role in _roles_in_order(roles):
        names.extend(name for name in BY_ROLE[role] if name not in names)
    return names + [name for name in COMMON if name not in names]


def _line(name: str, t: Texts) -> str:
    return t("help.line", command=name, description=t(f"commands.{name}"))


def help_text(roles: Iterable[str] | None, t: Texts) -> str:
    """/help: every command of each role, one line each; `None` for someone not registered."""
    blocks = [t("help.header")]
    if roles is None:
        blocks.append(t("help.unregistered"))
    else:
        shown: set[str] = set()
        for role in _roles_in_order(roles):
            own = [name for name in BY_ROLE[role] if name not in shown]
            shown.update(own)
            if own:
                blocks.append("\n".join([t(f"help.{role}"), *(_line(n, t) for n in own)]))
    blocks.append("\n".join([t("help.everyone"), *(_line(n, t) for n in COMMON)]))
    return "\n\n".join(blocks)


async def set_chat_commands(bot: Bot, chat_id: int, roles: Iterable[str], t: Texts) -> None:
    commands = [
        BotCommand(command=name, description=t(f"commands.{name}")) for name in commands_for(roles)
    ]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as exc:  # the menu is a convenience; registration must not fail on it
        log.warning("commands.set_failed chat=%s error=%s", chat_id, type(exc).__name__)


async def clear_chat_commands(bot: Bot, chat_id: int) -> None:
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as exc:  # cosmetic, as above
        log.warning("commands.delete_failed chat=%s error=%s", chat_id, type(exc).__name__)


class ChatMenus:
    """Which menu each private chat was given by this process, so that a role changed
    anywhere (the web, the CLI, an import) reaches the «/» menu at the person's next update
    without a call to Telegram on every update."""

    def __init__(self) -> None:
        self._given: dict[int, tuple[tuple[str, ...], str] | None] = {}

    async def refresh(
        self, bot: Bot, chat_id: int, roles: Iterable[str] | None, locale: str, t: Texts
    ) -> None:
        """`roles` None: not registered (or forgotten), the chat falls back to the default."""
        wanted = None if roles is None else (tuple(commands_for(roles)), locale)
        if chat_id in self._given and self._given[chat_id] == wanted:
            return
        if wanted is None:
            if chat_id in self._given:  # never set by us in this process: nothing to take back
                await clear_chat_commands(bot, chat_id)
        else:
            await set_chat_commands(bot, chat_id, roles or (), t)
        self._given[chat_id] = wanted


class MenuMiddleware(BaseMiddleware):
    """Refreshes the private chat's menu to the person's current roles (after PersonMiddleware)."""

    def __init__(self, menus: ChatMenus) -> None:
        self.menus = menus

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        bot: Bot | None = data.get("bot")
        person: Person | None = data.get("person")
        if chat is not None and chat.type == ChatType.PRIVATE and bot is not None:
            roles = person.roles if person is not None and person.registered else None
            await self.menus.refresh(bot, chat.id, roles, data["locale"], data["t"])
        return await handler(event, data)
