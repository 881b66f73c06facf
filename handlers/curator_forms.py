"""What the curator's one-organisation forms (/headcount, /practice) share: which
organisation a form is for, and the organisation picker for a curator of several."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from mentoring.curation import can_curate
from storage.organisations import Organisation
from storage.people import Person

__all__ = ["MAX_ORGANISATION_BUTTONS", "form_organisation", "organisation_picker"]

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
