"""/group_meeting: the curator records the group meeting of all candidates (its date, then
who came by button); those who came get the preference questionnaire."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import AttendeeCallback, PageCallback
from bot.long_messages import paged_keyboard, show_page
from handlers.curator_forms import (
    CURATOR_FLOW_PICKER,
    form_organisation_or_end,
    pick_organisation,
    step_button_organisation,
)
from handlers.forms import TYPED_ANSWER, next_step, read_day, start_form
from i18n import Texts, Translator
from mentoring.questionnaires import waves
from storage.db import Database
from storage.people import Person
from surveys.definitions import Registry

__all__ = ["GroupMeetingForm", "ask_meeting_date", "build_router"]


class GroupMeetingForm(StatesGroup):
    held_on = State()
    attendees = State()


async def ask_meeting_date(message: Message, state: FSMContext, org_id: int, t: Texts) -> None:
    question = t("curator.group_meeting.ask_date")
    await start_form(message, state, GroupMeetingForm.held_on, question, org=org_id)


async def cmd_group_meeting(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    picker = CURATOR_FLOW_PICKER + "group_meeting"
    org_id = await pick_organisation(message, person, db, t, picker)
    if org_id is not None:
        await ask_meeting_date(message, state, org_id, t)


async def _attendee_keyboard(
    db: Database, org_id: int, chosen: set[int], t: Texts, page: int = 0
) -> InlineKeyboardMarkup:
    buttons = []
    for row in await waves.group_meeting_candidates(db, org_id):
        mark = "✔ " if row.id in chosen else ""
        label = f"{mark}{row.full_name or '—'} · {t(f'roles.{row.role}')}"
        data = AttendeeCallback(person=row.id).pack()
        buttons.append(InlineKeyboardButton(text=label[:60], callback_data=data))
    done = InlineKeyboardButton(
        text=t("curator.group_meeting.done_button"), callback_data=AttendeeCallback(person=0).pack()
    )
    where = PageCallback(picker="attendees", page=page, org=org_id)
    return paged_keyboard(buttons, where, t, extra=[done])


async def on_attendees_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    stale = t("hint.stale_button")
    allowed = await step_button_organisation(
        query, callback_data.org, state, person, stale, alert=False
    )
    if allowed is None:
        return
    org_id, message = allowed
    await query.answer()
    await state.update_data(page=callback_data.page)
    chosen = set((await state.get_data()).get("chosen", []))
    keyboard = await _attendee_keyboard(db, org_id, chosen, t, callback_data.page)
    await show_page(message, keyboard)


async def on_meeting_date(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    org_id = await form_organisation_or_end(message, state, person, t("curator.not_curator"))
    if org_id is None:
        return
    held_on = await read_day(message, t, t("curator.group_meeting.bad_date"))
    if held_on is None:
        return
    if held_on > await waves.local_today(db, org_id, datetime.now(UTC)):
        await message.answer(t("curator.group_meeting.bad_date"))
        return
    if not await waves.group_meeting_candidates(db, org_id):
        await state.clear()
        await message.answer(t("curator.group_meeting.nobody_registered"))
        return
    await next_step(
        message,
        state,
        GroupMeetingForm.attendees,
        t("curator.group_meeting.choose_attendees"),
        await _attendee_keyboard(db, org_id, set(), t),
        held_on=held_on.isoformat(),
        chosen=[],
    )


async def on_attendee(
    query: CallbackQuery,
    callback_data: AttendeeCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    registry: Registry,
    translator: Translator,
    t: Texts,
) -> None:
    stale = t("hint.stale_button")
    allowed = await step_button_organisation(query, None, state, person, stale, alert=False)
    if allowed is None or person is None:  # a curator is somebody: said for the type checker
        return
    org_id, message = allowed
    data = await state.get_data()
    chosen = set(data.get("chosen", []))
    if callback_data.person:
        candidates = {r.id for r in await waves.group_meeting_candidates(db, org_id)}
        if callback_data.person not in candidates:
            await query.answer(stale)
            return
        chosen ^= {callback_data.person}
        await state.update_data(chosen=sorted(chosen))
        await query.answer()
        keyboard = await _attendee_keyboard(db, org_id, chosen, t, int(data.get("page", 0)))
        await message.edit_reply_markup(reply_markup=keyboard)
        return
    if not chosen:
        await query.answer(t("curator.group_meeting.need_attendees"))
        return
    await query.answer()
    held_on = date.fromisoformat(data["held_on"])
    result = await waves.record_group_meeting(
        db,
        translator,
        registry,
        organisation_id=org_id,
        held_on=held_on,
        attendee_ids=sorted(chosen),
        actor_person_id=person.id,
        now=datetime.now(UTC),
    )
    await state.clear()
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(
        t(
            "curator.group_meeting.recorded",
            date=held_on.strftime("%d.%m.%Y"),
            attendees=len(chosen),
            invited=result.invited,
        )
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("group_meeting"))(cmd_group_meeting)
    router.callback_query(AttendeeCallback.filter())(on_attendee)
    router.callback_query(PageCallback.filter(F.picker == "attendees"))(on_attendees_page)
    router.message(GroupMeetingForm.held_on, TYPED_ANSWER)(on_meeting_date)
    return router
