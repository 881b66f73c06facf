"""/plan: the mentor drafts a personalised programme per mentee in a short guided form; the
mentee reads it and comments; the curator approves it or returns it with a comment."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import PageCallback, PlanCallback, PlanStepCallback
from bot.long_messages import paged_keyboard, send_long, show_page
from handlers.forms import (
    TYPED_ANSWER,
    next_step,
    on_text_instead_of_button,
    read_answer,
    start_form,
)
from i18n import Texts, Translator
from i18n.markup import safe
from i18n.names import genitive
from mentoring.pairs import plans
from storage.db import Database
from storage.people import Person


class PlanForm(StatesGroup):
    goals = State()
    duration = State()
    activities = State()
    results = State()


class PlanNote(StatesGroup):
    mentee_comment = State()
    curator_comment = State()


def _done_keyboard(step: str, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("plans.done_button"), callback_data=PlanStepCallback(step=step))
    return builder.as_markup()


async def _start_form(
    message: Message, state: FSMContext, pair: int, mentee: int, name: str, t: Texts
) -> None:
    question = t(
        "plans.ask_goals", name=safe(name), name_gen=safe(genitive(name)), n=plans.MAX_GOALS
    )
    keyboard = _done_keyboard("goals_done", t)
    await start_form(
        message,
        state,
        PlanForm.goals,
        question,
        keyboard,
        pair=pair,
        mentee=mentee,
        goals=[],
        activities=[],
    )


async def cmd_plan(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    if person is None:
        await message.answer(t("plans.nothing"))
        return
    mentees = await plans.mentees_to_plan(db, person.id)
    if len(mentees) == 1:
        await _start_form(message, state, *mentees[0], t)
        return
    if mentees:
        await message.answer(
            t("plans.choose_mentee"), reply_markup=_mentees_keyboard(mentees, 0, t)
        )
        return
    mine = await plans.plans_of_mentee(db, person.id)
    if not mine:
        await message.answer(t("plans.nothing"))
    for plan in mine:
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t("plans.comment_button"),
            callback_data=PlanCallback(action="comment", plan=plan.id),
        )
        header = t(f"plans.status.{plan.status}")
        await send_long(
            message, header + "\n\n" + plans.render_plan(plan, t), reply_markup=builder.as_markup()
        )


def _mentees_keyboard(
    mentees: list[tuple[int, int, str]], page: int, t: Texts
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=name[:60],
            callback_data=PlanStepCallback(step="mentee", pair=pair, mentee=mentee).pack(),
        )
        for pair, mentee, name in mentees
    ]
    return paged_keyboard(buttons, PageCallback(picker="plan_mentees", page=page), t)


async def on_mentees_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    mentees = await plans.mentees_to_plan(db, person.id) if person else []
    if not mentees or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    await show_page(query.message, _mentees_keyboard(mentees, callback_data.page, t))


async def on_mentee_chosen(
    query: CallbackQuery,
    callback_data: PlanStepCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    mentees = await plans.mentees_to_plan(db, person.id) if person else []
    chosen = [m for m in mentees if m[:2] == (callback_data.pair, callback_data.mentee)]
    if not chosen or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    await _start_form(query.message, state, *chosen[0], t)


async def _ask_duration(message: Message, state: FSMContext, t: Texts) -> None:
    builder = InlineKeyboardBuilder()
    for months in plans.DURATIONS:
        builder.button(
            text=str(months), callback_data=PlanStepCallback(step="months", value=months)
        )
    builder.adjust(5)
    question = t("plans.ask_duration")
    await next_step(message, state, PlanForm.duration, question, builder.as_markup())


async def on_goal(message: Message, state: FSMContext, t: Texts) -> None:
    goal = await read_answer(message, plans.parse_goal, t("plans.bad_goal"))
    if goal is None:
        return
    goals = [*(await state.get_data()).get("goals", []), goal]
    await state.update_data(goals=goals)
    if len(goals) >= plans.MAX_GOALS:
        await _ask_duration(message, state, t)
        return
    await message.answer(
        t("plans.goal_saved", n=len(goals), left=plans.MAX_GOALS - len(goals)),
        reply_markup=_done_keyboard("goals_done", t),
    )


async def _list_done(
    query: CallbackQuery, state: FSMContext, answers: str, hint: str
) -> Message | None:
    """«Done» under a list step: the pressed message once the list (`answers`) has an item;
    until then the press gets `hint` and the step goes on."""
    if not (await state.get_data()).get(answers) or not isinstance(query.message, Message):
        await query.answer(hint)
        return None
    await query.answer()
    return query.message


async def on_goals_done(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    message = await _list_done(query, state, "goals", t("plans.need_goal"))
    if message is not None:
        await _ask_duration(message, state, t)


async def on_duration(
    query: CallbackQuery, callback_data: PlanStepCallback, state: FSMContext, t: Texts
) -> None:
    if callback_data.value not in plans.DURATIONS or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    await next_step(
        query.message,
        state,
        PlanForm.activities,
        t("plans.ask_activities"),
        _done_keyboard("activities_done", t),
        duration=callback_data.value,
    )


async def on_activities(message: Message, state: FSMContext, t: Texts) -> None:
    found = await read_answer(message, plans.parse_activities, t("plans.bad_activity"))
    if found is None:
        return
    activities = list((await state.get_data()).get("activities", [])) + found
    if len(activities) > plans.MAX_ACTIVITIES:
        await message.answer(t("plans.too_many_activities", n=plans.MAX_ACTIVITIES))
        return
    await state.update_data(activities=activities)
    await message.answer(
        t("plans.activity_saved", n=len(activities)),
        reply_markup=_done_keyboard("activities_done", t),
    )


async def on_activities_done(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    message = await _list_done(query, state, "activities", t("plans.need_activity"))
    if message is not None:
        await next_step(message, state, PlanForm.results, t("plans.ask_results"))


async def on_results(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    results = await read_answer(message, plans.parse_results, t("plans.bad_results"))
    if results is None:
        return
    data = await state.get_data()
    await state.clear()
    draft = plans.PlanDraft(
        goals=list(data.get("goals", [])),
        duration_months=int(data.get("duration", 0)),
        activities=list(data.get("activities", [])),
        expected_results=results,
    )
    problem = (
        "not_yours"
        if person is None
        else await plans.submit(
            db,
            translator,
            mentor_id=person.id,
            pair_id=int(data.get("pair", 0)),
            mentee_id=int(data.get("mentee", 0)),
            draft=draft,
            now=datetime.now(UTC),
        )
    )
    if problem is not None:
        await message.answer(t(f"plans.problem.{problem}"))
        return
    await send_long(message, t("plans.submitted") + "\n\n" + plans.render_plan(draft, t))


async def on_plan_action(
    query: CallbackQuery,
    callback_data: PlanCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    if not isinstance(query.message, Message) or person is None:
        await query.answer(t("hint.no_rights"))
        return
    action, plan_id = callback_data.action, callback_data.plan
    if action == "comment":
        if plan_id not in {p.id for p in await plans.plans_of_mentee(db, person.id)}:
            await query.answer(t("hint.no_rights"))
            return
        await query.answer()
        question = t("plans.ask_comment")
        await start_form(query.message, state, PlanNote.mentee_comment, question, plan=plan_id)
    elif action in ("approve", "return") and await plans.reviewable(db, person, plan_id):
        await query.answer()
        if action == "return":
            question = t("plans.ask_return_comment")
            await start_form(query.message, state, PlanNote.curator_comment, question, plan=plan_id)
            return
        await plans.review(
            db,
            translator,
            actor=person,
            plan_id=plan_id,
            approved=True,
            curator_comment=None,
            now=datetime.now(UTC),
        )
        await query.message.answer(t("plans.approved"))
    else:
        await query.answer(t("hint.stale_button"))


async def on_note(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    text = await read_answer(message, plans.parse_results, t("plans.bad_comment"))
    if text is None:
        return
    plan_id = int((await state.get_data()).get("plan", 0))
    from_curator = await state.get_state() == PlanNote.curator_comment.state
    await state.clear()
    now = datetime.now(UTC)
    if person is None:
        problem: str | None = "not_yours"
    elif from_curator:
        problem = await plans.review(
            db,
            translator,
            actor=person,
            plan_id=plan_id,
            approved=False,
            curator_comment=text,
            now=now,
        )
    else:
        problem = await plans.comment(
            db, translator, mentee_id=person.id, plan_id=plan_id, text=text, now=now
        )
    if problem is not None:
        await message.answer(t(f"plans.problem.{problem}"))
        return
    await message.answer(t("plans.returned" if from_curator else "plans.comment_sent"))


async def on_stale_step(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("hint.stale_button"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("plan"))(cmd_plan)
    router.callback_query(PlanStepCallback.filter(F.step == "mentee"))(on_mentee_chosen)
    router.callback_query(PageCallback.filter(F.picker == "plan_mentees"))(on_mentees_page)
    router.callback_query(PlanForm.goals, PlanStepCallback.filter(F.step == "goals_done"))(
        on_goals_done
    )
    router.callback_query(PlanForm.duration, PlanStepCallback.filter(F.step == "months"))(
        on_duration
    )
    router.callback_query(
        PlanForm.activities, PlanStepCallback.filter(F.step == "activities_done")
    )(on_activities_done)
    router.callback_query(PlanStepCallback.filter())(on_stale_step)
    router.callback_query(PlanCallback.filter())(on_plan_action)
    router.message(PlanForm.goals, TYPED_ANSWER)(on_goal)
    router.message(PlanForm.duration, TYPED_ANSWER)(on_text_instead_of_button)
    router.message(PlanForm.activities, TYPED_ANSWER)(on_activities)
    router.message(PlanForm.results, TYPED_ANSWER)(on_results)
    router.message(PlanNote.mentee_comment, TYPED_ANSWER)(on_note)
    router.message(PlanNote.curator_comment, TYPED_ANSWER)(on_note)
    return router
