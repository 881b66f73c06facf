"""What the curator's one-organisation forms (/headcount, /practice) share: which
organisation a form is for, the organisation picker for a curator of several, and the
guards every step runs (the person still curates it, the button names the same one)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.forms import close_keyboard
from mentoring.curation import can_curate
from storage.organisations import Organisation
from storage.people import Person

__all__ = [
    "MAX_ORGANISATION_BUTTONS",
    "cancel_form",
    "form_organisation",
    "form_organisation_or_end",
    "organisation_chosen",
    "organisation_picker",
    "step_button_organisation",
]

MAX_ORGANISATION_BUTTONS = 50


async def form_organisation(state: FSMContext, person: Person | None) -> int | None:
    """The organisation of the form in progress, if the person (still) curates it: checked
    on every step, since a role can be taken away while a form is open."""
    org_id = (await state.get_data()).get("org")
    return org_id if isinstance(org_id, int) and can_curate(person, org_id) else None


def organisation_picker(
    organisations: Sequence[Organisation], callback: Callable[[int], CallbackData]
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for org in organisations[:MAX_ORGANISATION_BUTTONS]:
        builder.button(text=org.name[:60], callback_data=callback(org.id))
    builder.adjust(1)
    return builder.as_markup()


async def form_organisation_or_end(
    message: Message, state: FSMContext, person: Person | None, refusal: str
) -> int | None:
    """`form_organisation` for a typed step: when it is gone, the form ends with `refusal`."""
    org_id = await form_organisation(state, person)
    if org_id is None:
        await state.clear()
        await message.answer(refusal)
    return org_id


async def step_button_organisation(
    query: CallbackQuery, button_org: int, state: FSMContext, person: Person | None, refusal: str
) -> tuple[int, Message] | None:
    """The form's organisation and the pressed message, if the button is for the form in
    progress and the person still curates it; otherwise the press is refused with an alert."""
    org_id = await form_organisation(state, person)
    if not isinstance(query.message, Message) or org_id is None or org_id != button_org:
        await query.answer(refusal, show_alert=True)
        return None
    return org_id, query.message


async def organisation_chosen(
    query: CallbackQuery, org_id: int, person: Person | None, refusal: str
) -> Message | None:
    """A press on the organisation picker: the picker is closed when the person curates the
    organisation, refused with an alert otherwise."""
    if not isinstance(query.message, Message) or not can_curate(person, org_id):
        await query.answer(refusal, show_alert=True)
        return None
    await close_keyboard(query, query.message)
    return query.message


async def cancel_form(query: CallbackQuery, message: Message, state: FSMContext, text: str) -> None:
    await query.answer()
    await state.clear()
    await message.answer(text)
