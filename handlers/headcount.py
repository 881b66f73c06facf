"""/headcount: the curator enters his organisation's headcounts (численность) for the current
school year, one figure at a time, keeping the stored ones he does not change.

The organisation lives in the FSM data and every step re-checks that the person still
curates it; the ids in callback data are only what the button claims. The rules are the
service's (`mentoring.stats.headcounts.set_headcounts`): what it rejects is re-asked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import HeadcountCallback
from handlers.curator_forms import (
    cancel_form,
    form_organisation_or_end,
    organisation_chosen,
    pick_organisation,
    save_or_cancel,
    step_button_organisation,
)
from handlers.forms import (
    TYPED_ANSWER,
    close_keyboard,
    next_step,
    on_text_instead_of_button,
    start_form,
)
from i18n import Texts
from i18n.markup import safe
from i18n.wording import school_year_label
from mentoring.people.organisations import get_organisation
from mentoring.stats.headcounts import (
    COUNT_FIELDS,
    MAX_DIGITS,
    HeadcountError,
    headcounts_of,
    parse_count,
    set_headcounts,
)
from mentoring.stats.periods import school_year_of
from storage.db import Database
from storage.people import Person


class HeadcountForm(StatesGroup):
    value = State()
    confirm = State()


def _shown(value: int | None, t: Texts) -> str:
    return str(value) if value is not None else t("headcount.not_set")


def _figures(values: dict[str, Any], t: Texts) -> str:
    return "\n".join(
        t("headcount.line", label=t(f"headcount.fields.{name}"), value=_shown(values.get(name), t))
        for name in COUNT_FIELDS
    )


async def _start(message: Message, state: FSMContext, org_id: int, db: Database, t: Texts) -> None:
    year = school_year_of(datetime.now(UTC).date())
    stored = next((h for h in await headcounts_of(db, org_id) if h.year == year), None)
    current = {name: getattr(stored, name) if stored else None for name in COUNT_FIELDS}
    organisation = await get_organisation(db, org_id)
    name = safe(organisation.name if organisation else "")
    header = t("headcount.header", organisation=name, year=school_year_label(year))
    await start_form(
        message,
        state,
        HeadcountForm.value,
        header + "\n" + _figures(current, t),
        org=org_id,
        year=year,
        step=0,
        current=current,
        new={},
    )
    await _ask(message, state, t)


async def _ask(message: Message, state: FSMContext, t: Texts) -> None:
    data = await state.get_data()
    step = int(data["step"])
    name = COUNT_FIELDS[step]
    value = data["current"].get(name)
    text = t(
        "headcount.ask",
        n=step + 1,
        total=len(COUNT_FIELDS),
        label=t(f"headcount.fields.{name}"),
        current=_shown(value, t),
    )
    markup: InlineKeyboardMarkup | None = None
    if value is not None:
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t("headcount.keep_button", value=value),
            callback_data=HeadcountCallback(action="keep", org=int(data["org"])),
        )
        markup = builder.as_markup()
    await message.answer(text, reply_markup=markup)


async def _advance(message: Message, state: FSMContext, t: Texts) -> None:
    data = await state.get_data()
    step = len(COUNT_FIELDS) if data.get("redo") else int(data["step"]) + 1
    if step < len(COUNT_FIELDS):
        await state.update_data(step=step)
        await _ask(message, state, t)
        return
    shown = {**data["current"], **{k: v for k, v in data["new"].items() if v is not None}}
    org = int(data["org"])
    keyboard = save_or_cancel(
        t("headcount.save_button"),
        t("headcount.cancel_button"),
        lambda action: HeadcountCallback(action=action, org=org),
    )
    summary = t("headcount.summary", year=school_year_label(int(data["year"])))
    text = summary + "\n" + _figures(shown, t)
    await next_step(message, state, HeadcountForm.confirm, text, keyboard, redo=False)


async def cmd_headcount(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    refusal, question = t("headcount.not_curator"), t("headcount.choose_org")
    org_id = await pick_organisation(message, person, db, t, "orgs_headcount", refusal, question)
    if org_id is not None:
        await _start(message, state, org_id, db, t)


async def on_org_chosen(
    query: CallbackQuery,
    callback_data: HeadcountCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    message = await organisation_chosen(query, callback_data.org, person, t("headcount.forbidden"))
    if message is not None:
        await _start(message, state, callback_data.org, db, t)


async def on_value(message: Message, state: FSMContext, person: Person | None, t: Texts) -> None:
    if await form_organisation_or_end(message, state, person, t("headcount.not_curator")) is None:
        return
    value = parse_count(message.text)
    if value is None:
        await on_not_a_number(message, state, t)
        return
    data = await state.get_data()
    name = COUNT_FIELDS[int(data["step"])]
    await state.update_data(new={**data["new"], name: value})
    await _advance(message, state, t)


async def on_not_a_number(message: Message, state: FSMContext, t: Texts) -> None:
    await message.answer(t("headcount.bad_number", digits=MAX_DIGITS))
    await _ask(message, state, t)


async def on_step_button(
    query: CallbackQuery,
    callback_data: HeadcountCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    allowed = await step_button_organisation(
        query, callback_data.org, state, person, t("headcount.forbidden")
    )
    if allowed is None:
        return
    org_id, message = allowed
    data = await state.get_data()
    form_state = await state.get_state()
    if callback_data.action == "keep" and form_state == HeadcountForm.value.state:
        name = COUNT_FIELDS[int(data["step"])]
        if data["current"].get(name) is None:
            await query.answer(t("hint.stale_button"))
            return
        await query.answer()
        await state.update_data(new={**data["new"], name: None})
        await _advance(message, state, t)
    elif callback_data.action == "save" and form_state == HeadcountForm.confirm.state:
        await close_keyboard(query, message)
        await _save(message, state, org_id, db, t)
    elif callback_data.action == "cancel":
        await cancel_form(query, message, state, t("headcount.cancelled"))
    else:
        await query.answer(t("hint.stale_button"))


async def _save(message: Message, state: FSMContext, org_id: int, db: Database, t: Texts) -> None:
    data = await state.get_data()
    year = int(data["year"])
    try:
        saved = await set_headcounts(db, org_id, year, now=datetime.now(UTC), **data["new"])
    except HeadcountError as exc:
        if exc.field not in COUNT_FIELDS:
            await state.clear()
            await message.answer(t("headcount.error.other"))
            return
        # Back to the figure the rule is about; the others stay as answered.
        new = {k: v for k, v in data["new"].items() if k != exc.field}
        await state.set_state(HeadcountForm.value)
        await state.update_data(step=COUNT_FIELDS.index(exc.field), new=new)
        await message.answer(t(f"headcount.error.{exc.reason}"))
        await _ask_again(message, state, t)
        return
    await state.clear()
    values = {name: getattr(saved, name) for name in COUNT_FIELDS}
    await message.answer(
        t("headcount.saved", year=school_year_label(year)) + "\n" + _figures(values, t)
    )


async def _ask_again(message: Message, state: FSMContext, t: Texts) -> None:
    """Re-ask one figure, then jump back to the summary rather than through the rest."""
    await state.update_data(redo=True)
    await _ask(message, state, t)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("headcount"))(cmd_headcount)
    router.callback_query(HeadcountCallback.filter(F.action == "org"))(on_org_chosen)
    router.callback_query(HeadcountCallback.filter())(on_step_button)
    router.message(HeadcountForm.value, TYPED_ANSWER)(on_value)
    router.message(HeadcountForm.value, ~F.text)(on_not_a_number)
    router.message(HeadcountForm.confirm, TYPED_ANSWER)(on_text_instead_of_button)
    return router
