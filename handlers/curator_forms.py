"""What the curator's one-organisation forms (/headcount, /practice) share: which
organisation a form is for, the organisation picker for a curator of several, and the
guards every step runs (the person still curates it, the button names the same one)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import CuratorOrgCallback, HeadcountCallback, PageCallback, PracticeCallback
from bot.i18n import Texts
from bot.long_messages import paged_keyboard, show_page
from handlers.forms import close_keyboard
from mentoring.curation import can_curate, curated_organisations
from storage.db import Database
from storage.organisations import Organisation
from storage.people import Person

__all__ = [
    "CURATOR_FLOW_PICKER",
    "cancel_form",
    "form_organisation",
    "form_organisation_or_end",
    "on_organisations_page",
    "organisation_chosen",
    "organisation_picker",
    "step_button_organisation",
]

CURATOR_FLOW_PICKER = "orgs_c_"


async def form_organisation(state: FSMContext, person: Person | None) -> int | None:
    """The organisation of the form in progress, if the person (still) curates it: checked
    on every step, since a role can be taken away while a form is open."""
    org_id = (await state.get_data()).get("org")
    return org_id if isinstance(org_id, int) and can_curate(person, org_id) else None


def _organisation_callback(picker: str, org: int) -> CallbackData | None:
    """What choosing `org` in the picker named `picker` presses (see `organisation_picker`)."""
    if picker == "orgs_headcount":
        return HeadcountCallback(action="org", org=org)
    if picker == "orgs_practice":
        return PracticeCallback(action="org", org=org)
    if picker.startswith(CURATOR_FLOW_PICKER):
        return CuratorOrgCallback(flow=picker.removeprefix(CURATOR_FLOW_PICKER), org=org)
    return None


def organisation_picker(
    organisations: Sequence[Organisation], picker: str, t: Texts, page: int = 0
) -> InlineKeyboardMarkup:
    """Every organisation the form may be for, a page at a time (an admin curates them all).
    `picker`: "orgs_headcount", "orgs_practice" or CURATOR_FLOW_PICKER + the flow."""
    buttons = []
    for org in organisations:
        callback = _organisation_callback(picker, org.id)
        assert callback is not None, picker
        buttons.append(InlineKeyboardButton(text=org.name[:60], callback_data=callback.pack()))
    return paged_keyboard(buttons, PageCallback(picker=picker, page=page), t)


async def on_organisations_page(
    query: CallbackQuery, callback_data: PageCallback, person: Person | None, db: Database, t: Texts
) -> None:
    """◀ ▶ on an organisation picker: rebuilt from what he curates now."""
    organisations = await curated_organisations(db, person)
    known = _organisation_callback(callback_data.picker, 0) is not None
    if not organisations or not known or not isinstance(query.message, Message):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    picker = organisation_picker(organisations, callback_data.picker, t, callback_data.page)
    await show_page(query.message, picker)


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
