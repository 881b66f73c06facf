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
from bot.i18n import Texts, Translator
from bot.long_messages import paged_keyboard, send_long, show_page
from bot.render import safe
from handlers.forms import on_text_instead_of_button
from mentoring import plans
from mentoring.names import genitive
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
    await state.set_state(PlanForm.goals)
    await state.set_data({"pair": pair, "mentee": mentee, "goals": [], "activities": []})
    await message.answer(
        t("plans.ask_goals", name=safe(name), name_gen=safe(genitive(name)), n=plans.MAX_GOALS),
        reply_markup=_done_keyboard("goals_done", t),
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
    await state.set_state(PlanForm.duration)
    builder = InlineKeyboardBuilder()
    for months in plans.DURATIONS:
        builder.button(
            text=str(months), callback_data=PlanStepCallback(step="months", value=months)
        )
    builder.adjust(5)
    await message.answer(t("plans.ask_duration"), reply_markup=builder.as_markup())


async def on_goal(message: Message, state: FSMContext, t: Texts) -> None:
    goal = plans.parse_goal(message.text or "")
    if goal is None:
        await message.answer(t("plans.bad_goal"))
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


async def on_goals_done(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    if not (await state.get_data()).get("goals") or not isinstance(query.message, Message):
        await query.answer(t("plans.need_goal"))
        return
    await query.answer()
    await _ask_duration(query.message, state, t)


async def on_duration(
    query: CallbackQuery, callback_data: PlanStepCallback, state: FSMContext, t: Texts
) -> None:
    if callback_data.value not in plans.DURATIONS or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    await state.update_data(duration=callback_data.value)
    await state.set_state(PlanForm.activities)
    await query.message.answer(
        t("plans.ask_activities"), reply_markup=_done_keyboard("activities_done", t)
    )


async def on_activities(message: Message, state: FSMContext, t: Texts) -> None:
    found = plans.parse_activities(message.text or "")
    if found is None:
        await message.answer(t("plans.bad_activity"))
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
    if not (await state.get_data()).get("activities") or not isinstance(query.message, Message):
        await query.answer(t("plans.need_activity"))
        return
    await query.answer()
    await state.set_state(PlanForm.results)
    await query.message.answer(t("plans.ask_results"))


async def on_results(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    results = plans.parse_results(message.text or "")
    if results is None:
        await message.answer(t("plans.bad_results"))
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
        await state.set_state(PlanNote.mentee_comment)
        await state.set_data({"plan": plan_id})
        await query.message.answer(t("plans.ask_comment"))
    elif action in ("approve", "return") and await plans.reviewable(db, person, plan_id):
        await query.answer()
        if action == "return":
            await state.set_state(PlanNote.curator_comment)
            await state.set_data({"plan": plan_id})
            await query.message.answer(t("plans.ask_return_comment"))
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
    text = plans.parse_results(message.text or "")
    if text is None:
        await message.answer(t("plans.bad_comment"))
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
    text = (F.text, ~F.text.startswith("/"))
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
    router.message(PlanForm.goals, *text)(on_goal)
    router.message(PlanForm.duration, *text)(on_text_instead_of_button)
    router.message(PlanForm.activities, *text)(on_activities)
    router.message(PlanForm.results, *text)(on_results)
    router.message(PlanNote.mentee_comment, *text)(on_note)
    router.message(PlanNote.curator_comment, *text)(on_note)
    return router
