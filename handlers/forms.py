"""Mechanics every guided form in chat shares, whatever it asks: a pressed button is
answered and its keyboard dropped, and text typed where a button is expected gets a hint."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from bot.i18n import Texts

__all__ = ["close_keyboard", "on_text_instead_of_button"]


async def close_keyboard(query: CallbackQuery, message: Message) -> None:
    """Answer the press and drop the keyboard it came from, so it cannot be pressed twice."""
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)


async def on_text_instead_of_button(message: Message, t: Texts) -> None:
    await message.answer(t("hint.use_buttons"))
