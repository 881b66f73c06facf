"""Groups, supergroups and channels: the bot shows nothing there (DESIGN §3, private chats only).

A command addressed to the bot in a group, or the bot being added to one, gets one pointer
to the private chat, once per chat, and the bot leaves: a class chat is no place for pupils'
data, and a bot that stays would go on receiving what is written there. Plain text, stickers
and channel posts get nothing; a button on a group message gets a short alert. "Once" is kept
in the FSM storage under a per-chat key, so it survives a restart.
"""

from __future__ import annotations

import logging
import re

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import IS_MEMBER, ChatMemberUpdatedFilter, Command, Filter
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, Chat, ChatMemberUpdated, Message

from bot.settings import Settings
from i18n import Texts

__all__ = ["IN_PRIVATE", "PRESSED_IN_PRIVATE", "build_router"]

log = logging.getLogger(__name__)


# Coroutine filters, not `F` ones: aiogram runs a plain callable filter in a worker thread,
# and these two are checked on every update (two thread trips per update saved).
class _InPrivate(Filter):
    async def __call__(self, event: Message | ChatMemberUpdated) -> bool:
        return event.chat.type == ChatType.PRIVATE


class _PressedInPrivate(Filter):
    """A press on an inline-mode message has no message (nor chat) at all: not private."""

    async def __call__(self, query: CallbackQuery) -> bool:
        return query.message is not None and query.message.chat.type == ChatType.PRIVATE


IN_PRIVATE = _InPrivate()
PRESSED_IN_PRIVATE = _PressedInPrivate()
POINTER_DESTINY = "group_pointer"


async def _bot_username(bot: Bot, settings: Settings) -> str:
    return settings.bot_username or (await bot.me()).username or ""


async def _point_once_and_leave(
    bot: Bot, chat: Chat, storage: BaseStorage, settings: Settings, t: Texts
) -> None:
    key = StorageKey(bot_id=bot.id, chat_id=chat.id, user_id=chat.id, destiny=POINTER_DESTINY)
    if chat.type != ChatType.CHANNEL and not (await storage.get_data(key)).get("pointed"):
        await storage.set_data(key, {"pointed": True})  # first: a failed send is not repeated
        username = await _bot_username(bot, settings)
        try:
            await bot.send_message(chat.id, t("chats.private_only", username=username))
        except TelegramAPIError as exc:  # no right to write there: leaving is what matters
            log.info("groups.pointer_failed chat=%s error=%s", chat.id, type(exc).__name__)
    try:
        await bot.leave_chat(chat.id)
    except TelegramAPIError as exc:
        log.info("groups.leave_failed chat=%s error=%s", chat.id, type(exc).__name__)


async def on_group_command(
    message: Message, bot: Bot, fsm_storage: BaseStorage, settings: Settings, t: Texts
) -> None:
    await _point_once_and_leave(bot, message.chat, fsm_storage, settings, t)


async def on_added(
    event: ChatMemberUpdated, bot: Bot, fsm_storage: BaseStorage, settings: Settings, t: Texts
) -> None:
    await _point_once_and_leave(bot, event.chat, fsm_storage, settings, t)


async def on_group_button(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("chats.private_only_alert"), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(~IN_PRIVATE)
    # Any command, but only one addressed to this bot (`/stats@other_bot` is not ours).
    router.message(Command(re.compile(r".+")))(on_group_command)
    router.callback_query(~PRESSED_IN_PRIVATE)(on_group_button)
    router.my_chat_member(~IN_PRIVATE, ChatMemberUpdatedFilter(IS_MEMBER))(on_added)
    return router
