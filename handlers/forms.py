"""Mechanics every guided form in chat shares, whatever it asks: a form starts at its first
step and moves on step by step (`start_form`, `next_step`); a typed answer is read with the
step's parser and, when it does not parse, the step's hint is sent and the form stays where
it is (`read_answer`, `read_day`); a pressed button is answered and its keyboard dropped;
text typed where a button is expected gets a hint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.parsing import is_impossible_day, parse_day
from i18n import Texts

__all__ = [
    "TYPED_ANSWER",
    "close_keyboard",
    "next_step",
    "on_text_instead_of_button",
    "read_answer",
    "read_day",
    "start_form",
    "text_up_to",
]

T = TypeVar("T")

# What a typed step takes: text, but not a command (that leaves the form for its own handler).
TYPED_ANSWER = F.text & ~F.text.startswith("/")


async def start_form(
    message: Message,
    state: FSMContext,
    step: State,
    question: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    /,
    **data: Any,
) -> None:
    """Begin a form at `step` with `data` (whatever another form left is dropped) and ask."""
    await state.set_state(step)
    await state.set_data(data)
    await message.answer(question, reply_markup=reply_markup)


async def next_step(
    message: Message,
    state: FSMContext,
    step: State,
    question: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    /,
    **answers: Any,
) -> None:
    """Keep the step's `answers`, move the form on to `step` and ask its question."""
    if answers:
        await state.update_data(answers)
    await state.set_state(step)
    await message.answer(question, reply_markup=reply_markup)


async def read_answer(message: Message, parse: Callable[[str], T | None], hint: str) -> T | None:
    """The typed answer as the step's parser reads it; None once `hint` has been sent, and
    the form stays on its step: the next message is another try."""
    value = parse(message.text or "")
    if value is None:
        await message.answer(hint)
    return value


async def read_day(message: Message, t: Texts, hint: str) -> date | None:
    """`read_answer` for a date (ДД.ММ.ГГГГ): one the calendar has not («31.02.2026») is
    named as such; anything else gets the step's `hint`."""
    day = parse_day(message.text)
    if day is None:
        impossible = is_impossible_day(message.text)
        await message.answer(t("curator.no_such_date") if impossible else hint)
    return day


def text_up_to(limit: int) -> Callable[[str], str | None]:
    """The parser of a free-text step: the text trimmed, if there is any and it fits."""

    def parse(text: str) -> str | None:
        trimmed = text.strip()
        return trimmed if 0 < len(trimmed) <= limit else None

    return parse


async def close_keyboard(query: CallbackQuery, message: Message) -> None:
    """Answer the press and drop the keyboard it came from, so it cannot be pressed twice."""
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)


async def on_text_instead_of_button(message: Message, t: Texts) -> None:
    await message.answer(t("hint.use_buttons"))
