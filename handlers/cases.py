"""Cases in chat, the mentor's side: «Описать результат» under a request → the goal → what
was done → the result → up to three photos → «Сохранить». The curator's /cases is in
`handlers.cases_curator`, whose router this one includes.

Every press is re-checked by `mentoring.cases`: the pair's mentor only writes its result, a
curator selects only in his organisations; the form's data lives in the database's FSM
storage, so a write-up resumes after a restart at the step it stopped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.notices import CaseWriteCallback
from handlers import cases_curator
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
from i18n.wording import school_year_label
from mentoring.cases import rules
from mentoring.cases.writeups import Saved, may_write, save_writeup
from storage.db import Database
from storage.people import Person

__all__ = ["CaseForm", "CaseFormCallback", "build_router"]


class CaseFormCallback(CallbackData, prefix="csf"):
    """A step of the write-up form: done (photos), save, cancel; for the form's pair."""

    action: str
    pair: int


class CaseForm(StatesGroup):
    goal = State()
    work = State()
    result = State()
    photos = State()
    confirm = State()


TEXT_STEPS = {"goal": CaseForm.goal, "work": CaseForm.work, "result": CaseForm.result}


def _now() -> datetime:
    return datetime.now(UTC)


# --- the mentor's write-up --------------------------------------------------------------
async def on_write_case(
    query: CallbackQuery,
    callback_data: CaseWriteCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    start = await may_write(db, person, callback_data.pair, callback_data.year, _now())
    if isinstance(start, str) or not isinstance(query.message, Message):
        problem = start if isinstance(start, str) else "forbidden"
        await query.answer(t(f"cases.form.{problem}"), show_alert=True)
        return
    await query.answer()
    year = school_year_label(start.year)
    intro = t(
        "cases.form.intro",
        mentees=safe(", ".join(start.mentees) or "—"),
        year=year,
        photos=rules.PHOTOS_MAX,
    )
    if start.earlier is not None:
        intro += "\n\n" + t("cases.form.replaces")
    await query.message.answer(intro)
    question = t("cases.form.ask_goal", n=rules.TEXT_MAX["goal"])
    await start_form(
        query.message, state, CaseForm.goal, question, pair=start.pair.id, year=start.year
    )


def _form_keyboard(pair: int, *buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for label, action in buttons:
        builder.button(text=label, callback_data=CaseFormCallback(action=action, pair=pair))
    return builder.as_markup()


async def _text_step(message: Message, state: FSMContext, t: Texts, step: str) -> None:
    text = await read_answer(
        message,
        lambda typed: rules.clean_text(step, typed),
        t("cases.form.bad_text", n=rules.TEXT_MAX[step]),
    )
    if text is None:
        return
    following = rules.STEPS.index(step) + 1
    if following < len(rules.STEPS):
        upcoming = rules.STEPS[following]
        question = t(f"cases.form.ask_{upcoming}", n=rules.TEXT_MAX[upcoming])
        await next_step(message, state, TEXT_STEPS[upcoming], question, **{step: text})
        return
    pair = int((await state.get_data())["pair"])
    keyboard = _form_keyboard(pair, (t("cases.form.no_photos_button"), "done"))
    question = t("cases.form.ask_photos", n=rules.PHOTOS_MAX)
    await next_step(message, state, CaseForm.photos, question, keyboard, **{step: text}, photos=[])


async def on_goal(message: Message, state: FSMContext, t: Texts) -> None:
    await _text_step(message, state, t, "goal")


async def on_work(message: Message, state: FSMContext, t: Texts) -> None:
    await _text_step(message, state, t, "work")


async def on_result(message: Message, state: FSMContext, t: Texts) -> None:
    await _text_step(message, state, t, "result")


async def _summary(message: Message, state: FSMContext, t: Texts) -> None:
    data = await state.get_data()
    text = t(
        "cases.form.summary",
        goal=safe(str(data.get("goal", ""))),
        work=safe(str(data.get("work", ""))),
        result=safe(str(data.get("result", ""))),
        photos=len(data.get("photos") or []),
    )
    keyboard = _form_keyboard(
        int(data["pair"]),
        (t("cases.form.save_button"), "save"),
        (t("cases.form.cancel_button"), "cancel"),
    )
    await next_step(message, state, CaseForm.confirm, text, keyboard)


async def on_photo(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.photo  # the filter lets photos only
    data = await state.get_data()
    photos = [*(data.get("photos") or []), message.photo[-1].file_id]
    await state.update_data(photos=photos)
    if len(photos) >= rules.PHOTOS_MAX:
        await _summary(message, state, t)
        return
    keyboard = _form_keyboard(int(data["pair"]), (t("cases.form.done_button"), "done"))
    text = t("cases.form.photo_added", count=len(photos), n=rules.PHOTOS_MAX)
    await message.answer(text, reply_markup=keyboard)


async def on_photo_too_many(message: Message, t: Texts) -> None:
    await message.answer(t("cases.form.too_many_photos", n=rules.PHOTOS_MAX))


async def on_not_photo(message: Message, t: Texts) -> None:
    await message.answer(t("cases.form.photo_expected"))


async def on_not_text(message: Message, t: Texts) -> None:
    await message.answer(t("cases.form.text_expected"))


async def on_form_button(
    query: CallbackQuery,
    callback_data: CaseFormCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    data = await state.get_data()
    current = await state.get_state()
    if not isinstance(query.message, Message) or data.get("pair") != callback_data.pair:
        await query.answer(t("hint.stale_button"))
        return
    message = query.message
    if callback_data.action == "done" and current == CaseForm.photos.state:
        await close_keyboard(query, message)
        await _summary(message, state, t)
    elif callback_data.action == "save" and current == CaseForm.confirm.state:
        await close_keyboard(query, message)
        await _save(message, state, person, db, t, data)
    elif callback_data.action == "cancel" and current == CaseForm.confirm.state:
        await close_keyboard(query, message)
        await state.clear()
        await message.answer(t("cases.form.cancelled"))
    else:
        await query.answer(t("hint.stale_button"))


async def _save(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
    data: dict[str, Any],
) -> None:
    await state.clear()
    outcome = await save_writeup(
        db,
        person,
        int(data["pair"]),
        int(data["year"]),
        texts={step: str(data.get(step, "")) for step in rules.STEPS},
        photos=[str(p) for p in data.get("photos") or []],
        now=_now(),
    )
    if not isinstance(outcome, Saved):
        await message.answer(t(f"cases.form.problem.{outcome}"))
        return
    await message.answer(t("cases.form.replaced" if outcome.replaced else "cases.form.saved"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query(CaseWriteCallback.filter())(on_write_case)
    router.callback_query(CaseFormCallback.filter())(on_form_button)
    router.message(CaseForm.goal, TYPED_ANSWER)(on_goal)
    router.message(CaseForm.work, TYPED_ANSWER)(on_work)
    router.message(CaseForm.result, TYPED_ANSWER)(on_result)
    router.message(CaseForm.photos, F.photo)(on_photo)
    router.message(CaseForm.confirm, F.photo)(on_photo_too_many)
    for step in (CaseForm.goal, CaseForm.work, CaseForm.result):
        router.message(step, ~F.text)(on_not_text)
    router.message(CaseForm.photos, ~F.text.startswith("/"))(on_not_photo)
    router.message(CaseForm.confirm, ~F.text.startswith("/"))(on_text_instead_of_button)
    router.include_router(cases_curator.build_router())
    return router
