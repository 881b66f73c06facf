"""/practice: the curator reports a best mentoring practice (title → form → link → confirm);
/practices: this quarter's practices of his organisations.

The organisation lives in the FSM data and every step re-checks that the person still
curates it; `mentoring.stats.practices.add_practice` checks the rights and the rules once more.
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
from bot.long_messages import send_long
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
    read_answer,
    start_form,
)
from i18n import Texts
from i18n.markup import safe
from mentoring.matching.compatibility import FORMS
from mentoring.people.curation import curated_organisations
from mentoring.stats import practices
from storage.db import Database
from storage.people import Person


class PracticeForm(StatesGroup):
    title = State()
    form = State()
    link = State()
    confirm = State()


async def _start(message: Message, state: FSMContext, org_id: int, t: Texts) -> None:
    quarter = practices.quarter_of(datetime.now(UTC).date())
    question = t("practices.ask_title", quarter=quarter)
    await start_form(message, state, PracticeForm.title, question, org=org_id)


async def cmd_practice(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    refusal, question = t("practices.not_curator"), t("practices.choose_org")
    org_id = await pick_organisation(message, person, db, t, "orgs_practice", refusal, question)
    if org_id is not None:
        await _start(message, state, org_id, t)


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
    title = await read_answer(message, practices.clean_title, t("practices.bad_title"))
    if title is None:
        return
    builder = InlineKeyboardBuilder()
    for form in FORMS:
        builder.button(
            text=t(f"practices.forms.{form}"),
            callback_data=PracticeCallback(action="form", org=org_id, form=form),
        )
    builder.adjust(1)
    question = t("practices.ask_form")
    await next_step(message, state, PracticeForm.form, question, builder.as_markup(), title=title)


async def on_link(message: Message, state: FSMContext, person: Person | None, t: Texts) -> None:
    org_id = await form_organisation_or_end(message, state, person, t("practices.not_curator"))
    if org_id is None:
        return
    hint = t("practices.bad_link", n=practices.LINK_MAX)
    link = await read_answer(message, practices.clean_link, hint)
    if link is None:
        return
    data = await state.get_data()
    summary = t(
        "practices.summary",
        title=safe(str(data["title"])),
        form=t(f"practices.forms.{data['form']}"),
        link=safe(link),
    )
    keyboard = save_or_cancel(
        t("practices.save_button"),
        t("practices.cancel_button"),
        lambda action: PracticeCallback(action=action, org=org_id),
    )
    await next_step(message, state, PracticeForm.confirm, summary, keyboard, link=link)


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
        question = t("practices.ask_link")
        await next_step(message, state, PracticeForm.link, question, form=callback_data.form)
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
    router.message(Command("practice"))(cmd_practice)
    router.message(Command("practices"))(cmd_practices)
    router.callback_query(PracticeCallback.filter(F.action == "org"))(on_org_chosen)
    router.callback_query(PracticeCallback.filter())(on_step_button)
    router.message(PracticeForm.title, TYPED_ANSWER)(on_title)
    router.message(PracticeForm.link, TYPED_ANSWER)(on_link)
    router.message(PracticeForm.form, TYPED_ANSWER)(on_text_instead_of_button)
    router.message(PracticeForm.confirm, TYPED_ANSWER)(on_text_instead_of_button)
    router.message(PracticeForm.title, ~F.text)(on_not_text)
    router.message(PracticeForm.link, ~F.text)(on_not_text)
    return router
