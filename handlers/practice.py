"""/practice: the curator reports a best mentoring practice (title → form → link → confirm);
/practices: this quarter's practices of his organisations.

The organisation lives in the FSM data and every step re-checks that the person still
curates it; `mentoring.practices.add_practice` checks the rights and the rules once more.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import PracticeCallback
from bot.i18n import Texts
from bot.long_messages import send_long
from bot.render import safe
from handlers.curator_forms import (
    cancel_form,
    form_organisation_or_end,
    organisation_chosen,
    organisation_picker,
    step_button_organisation,
)
from handlers.forms import close_keyboard, on_text_instead_of_button
from mentoring import practices
from mentoring.compatibility import FORMS
from mentoring.curation import curated_organisations
from storage.db import Database
from storage.people import Person


class PracticeForm(StatesGroup):
    title = State()
    form = State()
    link = State()
    confirm = State()


async def _start(message: Message, state: FSMContext, org_id: int, t: Texts) -> None:
    await state.set_state(PracticeForm.title)
    await state.set_data({"org": org_id})
    quarter = practices.quarter_of(datetime.now(UTC).date())
    await message.answer(t("practices.ask_title", quarter=quarter))


async def cmd_practice(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    organisations = await curated_organisations(db, person)
    if not organisations:
        await message.answer(t("practices.not_curator"))
        return
    if len(organisations) == 1:
        await _start(message, state, organisations[0].id, t)
        return
    picker = organisation_picker(organisations, "orgs_practice", t)
    await message.answer(t("practices.choose_org"), reply_markup=picker)


async def on_org_chosen(
    query: CallbackQuery,
    callback_data: PracticeCallback,
    state: FSMContext,
    person: Person | None,
    t: Texts,
) -> None:
    message = await organisation_chosen(query, callback_data.org, person, t("practices.forbidden"))
    if message is not None:
        await _start(message, state, callback_data.org, t)


async def on_title(message: Message, state: FSMContext, person: Person | None, t: Texts) -> None:
    org_id = await form_organisation_or_end(message, state, person, t("practices.not_curator"))
    if org_id is None:
        return
    title = practices.clean_title(message.text)
    if title is None:
        await message.answer(t("practices.bad_title"))
        return
    await state.update_data(title=title)
    await state.set_state(PracticeForm.form)
    builder = InlineKeyboardBuilder()
    for form in FORMS:
        builder.button(
            text=t(f"practices.forms.{form}"),
            callback_data=PracticeCallback(action="form", org=org_id, form=form),
        )
    builder.adjust(1)
    await message.answer(t("practices.ask_form"), reply_markup=builder.as_markup())


async def on_link(message: Message, state: FSMContext, person: Person | None, t: Texts) -> None:
    org_id = await form_organisation_or_end(message, state, person, t("practices.not_curator"))
    if org_id is None:
        return
    link = practices.clean_link(message.text)
    if link is None:
        await message.answer(t("practices.bad_link", n=practices.LINK_MAX))
        return
    data = await state.get_data()
    await state.update_data(link=link)
    await state.set_state(PracticeForm.confirm)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("practices.save_button"), callback_data=PracticeCallback(action="save", org=org_id)
    )
    builder.button(
        text=t("practices.cancel_button"),
        callback_data=PracticeCallback(action="cancel", org=org_id),
    )
    await message.answer(
        t(
            "practices.summary",
            title=safe(str(data["title"])),
            form=t(f"practices.forms.{data['form']}"),
            link=safe(link),
        ),
        reply_markup=builder.as_markup(),
    )


async def on_step_button(
    query: CallbackQuery,
    callback_data: PracticeCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    allowed = await step_button_organisation(
        query, callback_data.org, state, person, t("practices.forbidden")
    )
    if allowed is None:
        return
    org_id, message = allowed
    current = await state.get_state()
    if callback_data.action == "form" and current == PracticeForm.form.state:
        if not practices.valid_form(callback_data.form):
            await query.answer(t("hint.stale_button"))
            return
        await close_keyboard(query, message)
        await state.update_data(form=callback_data.form)
        await state.set_state(PracticeForm.link)
        await message.answer(t("practices.ask_link"))
    elif callback_data.action == "save" and current == PracticeForm.confirm.state:
        await close_keyboard(query, message)
        await _save(message, state, person, org_id, db, t)
    elif callback_data.action == "cancel":
        await cancel_form(query, message, state, t("practices.cancelled"))
    else:
        await query.answer(t("hint.stale_button"))


async def _save(
    message: Message,
    state: FSMContext,
    person: Person | None,
    org_id: int,
    db: Database,
    t: Texts,
) -> None:
    data = await state.get_data()
    await state.clear()
    outcome = await practices.add_practice(
        db,
        person,
        org_id,
        title=str(data.get("title", "")),
        form=str(data.get("form", "")),
        link=str(data.get("link", "")),
        now=datetime.now(UTC),
    )
    if isinstance(outcome, str):
        await message.answer(t(f"practices.problem.{outcome}"))
        return
    await message.answer(
        t(
            "practices.saved",
            quarter=outcome.practice.quarter,
            deadline=outcome.deadline.strftime("%d.%m.%Y"),
        )
    )


async def cmd_practices(message: Message, person: Person | None, db: Database, t: Texts) -> None:
    organisations = await curated_organisations(db, person)
    if not organisations:
        await message.answer(t("practices.not_curator"))
        return
    quarter = practices.quarter_of(datetime.now(UTC).date())
    found = await practices.practices_of(db, [org.id for org in organisations], quarter)
    deadline = await practices.report_deadline(db, organisations[0].id, quarter)
    lines = [t("practices.list_header", quarter=quarter, deadline=deadline.strftime("%d.%m.%Y"))]
    names = {org.id: org.name for org in organisations}
    for practice in found:
        lines.append(
            t(
                "practices.list_line",
                organisation=safe(names.get(practice.organisation_id, "")),
                title=safe(practice.title),
                form=t(f"practices.forms.{practice.form}"),
                link=safe(practice.link),
            )
        )
    if not found:
        lines.append(t("practices.list_empty"))
    await send_long(message, "\n".join(lines))


async def on_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("practices.text_expected"))


def build_router() -> Router:
    router = Router(name=__name__)
    text = (F.text, ~F.text.startswith("/"))
    router.message(Command("practice"))(cmd_practice)
    router.message(Command("practices"))(cmd_practices)
    router.callback_query(PracticeCallback.filter(F.action == "org"))(on_org_chosen)
    router.callback_query(PracticeCallback.filter())(on_step_button)
    router.message(PracticeForm.title, *text)(on_title)
    router.message(PracticeForm.link, *text)(on_link)
    router.message(PracticeForm.form, *text)(on_text_instead_of_button)
    router.message(PracticeForm.confirm, *text)(on_text_instead_of_button)
    router.message(PracticeForm.title, ~F.text)(on_not_text)
    router.message(PracticeForm.link, ~F.text)(on_not_text)
    return router
