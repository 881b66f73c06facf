"""/meeting's first steps: which pair (or all pairs, for the curator of one organisation) and
which kind of meeting; `start_for_pair` skips them for the «first meeting» button of a pair's
notice. The form goes on with the date, time and place in `handlers.meetings`.

Callback data only names a pair; the service re-checks on every press that the presser may
schedule for it.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    MeetingKindCallback,
    MeetingPairCallback,
    PageCallback,
    PairMeetingCallback,
)
from bot.long_messages import paged_keyboard, show_page
from handlers.forms import next_step, start_form
from handlers.meetings import MeetingForm
from i18n import Texts
from mentoring.meetings import queries
from mentoring.people.curation import curated_organisations
from storage import pairs as pair_store
from storage.db import Database
from storage.pairs import Pair
from storage.people import Person

__all__ = ["build_router", "start_for_pair"]

PAIR_KINDS: tuple[str, ...] = ("intro", "trial", "planning", "regular", "final")


async def _pair_label(db: Database, pair: Pair, t: Texts) -> str:
    names = await queries.pair_names(db, pair)
    return t("meetings.pair_label", mentor=names[0], mentees=", ".join(names[1:]))[:60]


async def cmd_meeting(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    await state.clear()
    if person is None:
        await message.answer(t("meetings.refused.no_rights"))
        return
    pairs = await queries.schedulable_pairs(db, person)
    curated = await curated_organisations(db, person)
    if not pairs and not curated:
        await message.answer(t("meetings.no_pairs"))
        return
    keyboard = await _pairs_keyboard(db, person, 0, t)
    await message.answer(t("meetings.choose_pair"), reply_markup=keyboard)


async def _pairs_keyboard(
    db: Database, person: Person, page: int, t: Texts
) -> InlineKeyboardMarkup:
    """Every pair he may schedule for, a page at a time; «all pairs» for a curator of one."""
    buttons = [
        InlineKeyboardButton(
            text=await _pair_label(db, pair, t),
            callback_data=MeetingPairCallback(pair=pair.id).pack(),
        )
        for pair in await queries.schedulable_pairs(db, person)
    ]
    extra = []
    if len(await curated_organisations(db, person)) == 1:
        data = MeetingPairCallback(pair=0).pack()
        extra.append(InlineKeyboardButton(text=t("meetings.all_pairs"), callback_data=data))
    return paged_keyboard(buttons, PageCallback(picker="meeting_pairs", page=page), t, extra=extra)


async def on_pairs_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    if person is None or not isinstance(query.message, Message):
        await query.answer(t("meetings.refused.no_rights"))
        return
    await query.answer()
    await show_page(query.message, await _pairs_keyboard(db, person, callback_data.page, t))


async def on_pair_chosen(
    query: CallbackQuery,
    callback_data: MeetingPairCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    if person is None or not isinstance(query.message, Message):
        await query.answer(t("meetings.refused.no_rights"))
        return
    kinds: tuple[str, ...]
    if callback_data.pair == 0:
        curated = await curated_organisations(db, person)
        if len(curated) != 1:
            await query.answer(t("meetings.refused.no_rights"))
            return
        org_id, kinds = curated[0].id, ("group_final",)
    else:
        pair = await queries.schedulable_pair(db, person, callback_data.pair)
        if pair is None:
            await query.answer(t("meetings.refused.no_rights"))
            return
        org_id, kinds = pair.organisation_id, PAIR_KINDS
    builder = InlineKeyboardBuilder()
    for kind in kinds:
        builder.button(
            text=t(f"meetings.kind.{kind}"), callback_data=MeetingKindCallback(kind=kind)
        )
    builder.adjust(1)
    await query.answer()
    question = t("meetings.choose_kind")
    await start_form(
        query.message,
        state,
        MeetingForm.kind,
        question,
        builder.as_markup(),
        pair=callback_data.pair,
        org=org_id,
    )


async def start_for_pair(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
    pair_id: int,
    kind: str = "intro",
) -> bool:
    """The /meeting form for one pair with the kind chosen; False when he may not schedule."""
    pair = await queries.schedulable_pair(db, person, pair_id)
    if pair is None:
        return False
    question = f"{t(f'meetings.kind.{kind}')}. {t('meetings.ask_date')}"
    await start_form(
        message, state, MeetingForm.day, question, pair=pair.id, org=pair.organisation_id, kind=kind
    )
    return True


async def on_kind_chosen(
    query: CallbackQuery, callback_data: MeetingKindCallback, state: FSMContext, t: Texts
) -> None:
    data = await state.get_data()
    if "org" not in data or not isinstance(query.message, Message):
        await query.answer(t("meetings.refused.stale"))
        return
    await query.answer()
    await next_step(
        query.message, state, MeetingForm.day, t("meetings.ask_date"), kind=callback_data.kind
    )


async def on_meeting_button(
    query: CallbackQuery,
    callback_data: PairMeetingCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    if person is None:
        await query.answer(t("hint.no_rights"))
        return
    async with db.connect() as conn:
        mine = {p.id for p in await pair_store.pairs_of_person(conn, person.id)}
    if callback_data.pair not in mine:
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    # the mentor (or curator) goes straight to the /meeting form, the kind "intro" chosen
    if not await start_for_pair(query.message, state, person, db, t, callback_data.pair):
        await query.message.answer(t("pairs.meeting_next"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("meeting"))(cmd_meeting)
    router.callback_query(MeetingPairCallback.filter())(on_pair_chosen)
    router.callback_query(PageCallback.filter(F.picker == "meeting_pairs"))(on_pairs_page)
    router.callback_query(MeetingKindCallback.filter())(on_kind_chosen)
    router.callback_query(PairMeetingCallback.filter())(on_meeting_button)
    return router
