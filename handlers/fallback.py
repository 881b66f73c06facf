"""The catch-all: unknown commands, stray text, stickers and photos, stale buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from i18n import Texts


async def on_unknown_command(message: Message, t: Texts) -> None:
    await message.answer(t("hint.unknown_command"))


async def on_stray_text(message: Message, t: Texts) -> None:
    await message.answer(t("hint.unknown_command"))


async def on_unsupported_message(message: Message, t: Texts) -> None:
    await message.answer(t("hint.unsupported_message"))


async def on_stale_button(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("hint.stale_button"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(F.text.startswith("/"))(on_unknown_command)
    router.message(F.text)(on_stray_text)
    router.message()(on_unsupported_message)
    router.callback_query()(on_stale_button)
    return router
