"""What the curator's forms share: which organisation a form is for (the only one he
curates, or a picker for a curator of several), and the guards every step runs (the person
still curates it, the button names the same one); the last step's «save or cancel»."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    CuratorOrgCallback,
    HeadcountCallback,
    PageCallback,
    PairsCallback,
    PracticeCallback,
)
from bot.long_messages import paged_keyboard, show_page
from handlers.forms import close_keyboard
from i18n import Texts
from mentoring.people.curation import can_curate, curated_organisations
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
    "pick_organisation",
    "save_or_cancel",
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
    if picker == "pairs_orgs":
        return PairsCallback(action="menu", org=org)
    if picker.startswith(CURATOR_FLOW_PICKER):
        return CuratorOrgCallback(flow=picker.removeprefix(CURATOR_FLOW_PICKER), org=org)
    return None


def organisation_picker(
    organisations: Sequence[Organisation], picker: str, t: Texts, page: int = 0
) -> InlineKeyboardMarkup:
    """Every organisation the form may be for, a page at a time (an admin curates them all).
    `picker`: "orgs_headcount", "orgs_practice", "pairs_orgs" or CURATOR_FLOW_PICKER + the
    flow."""
    buttons = []
    for org in organisations:
        callback = _organisation_callback(picker, org.id)
        assert callback is not None, picker
        buttons.append(InlineKeyboardButton(text=org.name[:60], callback_data=callback.pack()))
    return paged_keyboard(buttons, PageCallback(picker=picker, page=page), t)


async def pick_organisation(
    message: Message,
    person: Person | None,
    db: Database,
    t: Texts,
    picker: str,
    refusal: str | None = None,
    question: str | None = None,
) -> int | None:
    """The organisation a command is for: the only one he curates. None once he has been
    asked which (`question` over the picker) or refused (`refusal`: he curates none); both
    are the curator commands' common words unless the form has its own."""
    organisations = await curated_organisations(db, person)
    if not organisations:
        await message.answer(refusal or t("curator.not_curator"))
        return None
    if len(organisations) == 1:
        return organisations[0].id
    keyboard = organisation_picker(organisations, picker, t)
    await message.answer(question or t("curator.choose_org"), reply_markup=keyboard)
    return None


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


async def _refuse(query: CallbackQuery, refusal: str, alert: bool) -> None:
    if alert:
        await query.answer(refusal, show_alert=True)
    else:
        await query.answer(refusal)


async def organisation_chosen(
    query: CallbackQuery, org_id: int, person: Person | None, refusal: str, *, alert: bool = True
) -> Message | None:
    """A press on the organisation picker: the picker is closed when the person curates the
    organisation, refused otherwise (with an alert, unless `alert` is False)."""
    if not isinstance(query.message, Message) or not can_curate(person, org_id):
        await _refuse(query, refusal, alert)
        return None
    await close_keyboard(query, query.message)
    return query.message


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
    query: CallbackQuery,
    button_org: int | None,
    state: FSMContext,
    person: Person | None,
    refusal: str,
    *,
    alert: bool = True,
) -> tuple[int, Message] | None:
    """The form's organisation and the pressed message, if the person still curates it and
    the button is for the form in progress (names its organisation, when it names one);
    otherwise the press is refused (with an alert, unless `alert` is False)."""
    org_id = await form_organisation(state, person)
    if (
        not isinstance(query.message, Message)
        or org_id is None
        or (button_org is not None and org_id != button_org)
    ):
        await _refuse(query, refusal, alert)
        return None
    return org_id, query.message


def save_or_cancel(
    save: str, cancel: str, button: Callable[[str], CallbackData]
) -> InlineKeyboardMarkup:
    """The last step's keyboard: `save` and `cancel` side by side; `button(action)` gives
    each its callback data ("save", "cancel")."""
    builder = InlineKeyboardBuilder()
    builder.button(text=save, callback_data=button("save"))
    builder.button(text=cancel, callback_data=button("cancel"))
    return builder.as_markup()


async def cancel_form(query: CallbackQuery, message: Message, state: FSMContext, text: str) -> None:
    await query.answer()
    await state.clear()
    await message.answer(text)
