"""The chat's command menu (setMyCommands with a chat scope), by the person's roles."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat

from bot.i18n import Texts

__all__ = ["commands_for", "set_chat_commands"]

log = logging.getLogger(__name__)

COMMON = ("help", "me", "language", "forget")
# Later features add their commands per role here, in the order the menu shows them.
BY_ROLE: dict[str, tuple[str, ...]] = {
    "mentee": ("survey", "plan", "meetings"),
    "mentor": ("survey", "plan", "meeting", "meetings"),
    "curator": (
        "survey_wave",
        "responses",
        "consents",
        "group_meeting",
        "pairs",
        "stats",
        "meeting",
        "meetings",
        "roadmap",
        "headcount",
        "practice",
        "practices",
    ),
    "coordinator": ("stats",),
    "admin": ("stats",),
}


def commands_for(roles: Iterable[str]) -> list[str]:
    names: list[str] = []
    for role in sorted(roles):
        names.extend(name for name in BY_ROLE.get(role, ()) if name not in names)
    return names + [name for name in COMMON if name not in names]


async def set_chat_commands(bot: Bot, chat_id: int, roles: Iterable[str], t: Texts) -> None:
    commands = [
        BotCommand(command=name, description=t(f"commands.{name}")) for name in commands_for(roles)
    ]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as exc:  # the menu is a convenience; registration must not fail on it
        log.warning("commands.set_failed chat=%s error=%s", chat_id, type(exc).__name__)
