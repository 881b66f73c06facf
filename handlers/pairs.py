"""The curator forms pairs in chat: /pairs → propose → edit → approve by order number and date.

Every callback re-checks on the server that the person curates the organisation named in it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import PageCallback, PairDissolveCallback, PairsCallback
from bot.long_messages import paged_keyboard, send_long, show_page
from handlers.curator_forms import organisation_picker, pick_organisation
from handlers.documents import ORDER_ACTION, order_button, send_order
from handlers.forms import TYPED_ANSWER, next_step, read_answer, read_day, start_form, text_up_to
from i18n import Texts, Translator
from i18n.markup import safe
from mentoring.pairs import service as pairs
from mentoring.pairs.notices import approve, dissolve, render_proposal
from mentoring.pairs.pickers import draft_mentees, mentor_choices
from mentoring.people.curation import can_curate, curated_organisations
from mentoring.people.organisations import get_organisation
from mentoring.questionnaires.waves import local_today
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.people import Person
from surveys.definitions import Registry


class ApproveForm(StatesGroup):
    order_number = State()
    order_date = State()


class DissolveForm(StatesGroup):
    reason = State()


def _proposal_keyboard(org: int, t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("pairs.approve_button"), callback_data=PairsCallback(action="approve", org=org)
    )
    builder.button(text=t("pairs.edit_button"), callback_data=PairsCallback(action="edit", org=org))
    builder.button(
        text=t("pairs.propose_button"), callback_data=PairsCallback(action="propose", org=org)
    )
    builder.adjust(2, 1)
    return builder.as_markup()


async def _pair_names(db: Database, pair: pair_store.Pair) -> tuple[str, str]:
    async with db.connect() as conn:
        found = [await people_store.get(conn, pid) for pid in (pair.mentor_id, *pair.mentee_ids)]
    names = [(p.full_name or "—") if p else "—" for p in found]
    return names[0], ", ".join(names[1:])


def _menu_keyboard(
    org: int, active: list[pair_store.Pair], page: int, t: Texts
) -> InlineKeyboardMarkup:
    """«Расформировать №n» for every active pair, numbered as in the list, a page at a time."""
    buttons = [
        InlineKeyboardButton(
            text=t("pairs.dissolve_button", n=number),
            callback_data=PairDissolveCallback(pair=pair.id).pack(),
        )
        for number, pair in enumerate(active, start=1)
    ]
    propose = InlineKeyboardButton(
        text=t("pairs.propose_button"),
        callback_data=PairsCallback(action="propose", org=org).pack(),
    )
    where = PageCallback(picker="pairs_active", page=page, org=org)
    extra = [propose, order_button(org, t)] if active else [propose]
    return paged_keyboard(buttons, where, t, extra=extra)


async def _menu(message: Message, db: Database, org: int, t: Texts) -> None:
    organisation = await get_organisation(db, org)
    async with db.connect() as conn:
        active = await pair_store.active_pairs(conn, org)
    lines = [
        t(
            "pairs.menu",
            organisation=safe(organisation.name if organisation else ""),
            active=len(active),
        )
    ]
    for number, pair in enumerate(active, start=1):
        mentor, mentees = await _pair_names(db, pair)
        lines.append(t("pairs.list_item", n=number, mentor=safe(mentor), mentees=safe(mentees)))
    await send_long(message, "\n".join(lines), reply_markup=_menu_keyboard(org, active, 0, t))


async def _dissolvable(db: Database, person: Person | None, pair_id: int) -> bool:
    async with db.connect() as conn:
        pair = await pair_store.get_pair(conn, pair_id)
    return pair is not None and pair.status == "active" and can_curate(person, pair.organisation_id)


async def on_dissolve_pressed(
    query: CallbackQuery,
    callback_data: PairDissolveCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    if not await _dissolvable(db, person, callback_data.pair) or not isinstance(
        query.message, Message
    ):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    async with db.connect() as conn:
        pair = await pair_store.get_pair(conn, callback_data.pair)
    assert pair is not None
    mentor, mentees = await _pair_names(db, pair)
    question = t("pairs.ask_dissolve_reason", mentor=safe(mentor), mentees=safe(mentees))
    await start_form(query.message, state, DissolveForm.reason, question, pair=pair.id)


async def on_dissolve_reason(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    registry: Registry,
    t: Texts,
) -> None:
    reason = await read_answer(message, text_up_to(300), t("pairs.bad_dissolve_reason"))
    if reason is None:
        return
    pair_id = int((await state.get_data()).get("pair", 0))
    await state.clear()
    if person is None or not await _dissolvable(db, person, pair_id):
        await message.answer(t("hint.stale_button"))
        return
    done = await dissolve(
        db,
        translator,
        registry,
        pair_id,
        reason=reason,
        actor_person_id=person.id,
        now=datetime.now(UTC),
    )
    await message.answer(t("pairs.dissolved" if done else "hint.stale_button"))


async def cmd_pairs(message: Message, person: Person | None, db: Database, t: Texts) -> None:
    org_id = await pick_organisation(message, person, db, t, "pairs_orgs")
    if org_id is not None:
        await _menu(message, db, org_id, t)


async def _show(message: Message, view: pairs.ProposalView, t: Texts) -> None:
    await send_long(
        message, render_proposal(view, t), reply_markup=_proposal_keyboard(view.organisation_id, t)
    )


def _mentees_keyboard(
    org: int, mentees: list[tuple[int, str]], page: int, t: Texts
) -> InlineKeyboardMarkup:
    """Every mentee of the draft, paired ones first, then the unmatched, a page at a time."""
    buttons = [
        InlineKeyboardButton(
            text=(name or "—")[:60],
            callback_data=PairsCallback(action="mentee", org=org, mentee=mentee_id).pack(),
        )
        for mentee_id, name in mentees
    ]
    return paged_keyboard(buttons, PageCallback(picker="pair_mentees", page=page, org=org), t)


async def _edit_menu(message: Message, db: Database, org: int, t: Texts) -> None:
    mentees = await draft_mentees(db, org)
    if mentees is None:
        await message.answer(t("pairs.no_draft"))
        return
    keyboard = _mentees_keyboard(org, mentees, 0, t)
    await message.answer(t("pairs.choose_mentee"), reply_markup=keyboard)


def _mentors_keyboard(
    mentors: list[tuple[int, str]], org: int, mentee: int, page: int, t: Texts
) -> InlineKeyboardMarkup:
    """Every mentor of the organisation by name, a page at a time, and «Убрать» under them."""
    buttons = [
        InlineKeyboardButton(
            text=(name or "—")[:60],
            callback_data=PairsCallback(
                action="move", org=org, mentee=mentee, mentor=mentor_id
            ).pack(),
        )
        for mentor_id, name in mentors
    ]
    remove = InlineKeyboardButton(
        text=t("pairs.remove_button"),
        callback_data=PairsCallback(action="remove", org=org, mentee=mentee).pack(),
    )
    where = PageCallback(picker="pair_mentors", page=page, org=org, item=mentee)
    return paged_keyboard(buttons, where, t, extra=[remove])


async def _mentee_menu(message: Message, db: Database, org: int, mentee: int, t: Texts) -> None:
    mentees = await draft_mentees(db, org)
    if mentees is None:
        await message.answer(t("pairs.no_draft"))
        return
    name = dict(mentees).get(mentee)
    if name is None:  # not in this organisation's draft (any more)
        await message.answer(t("hint.stale_button"))
        return
    keyboard = _mentors_keyboard(await mentor_choices(db, org), org, mentee, 0, t)
    await message.answer(
        t("pairs.choose_action", name=safe(name)) + "\n" + t("pairs.choose_mentor"),
        reply_markup=keyboard,
    )


async def on_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    """◀ ▶ on the /pairs pickers: the list is rebuilt for an organisation he still curates."""
    picker, org, page = callback_data.picker, callback_data.org, callback_data.page
    if not isinstance(query.message, Message) or (
        picker != "pairs_orgs" and not can_curate(person, org)
    ):
        await query.answer(t("hint.no_rights"))
        return
    keyboard: InlineKeyboardMarkup | None = None
    if picker == "pairs_orgs":
        keyboard = organisation_picker(await curated_organisations(db, person), picker, t, page)
    elif picker == "pairs_active":
        async with db.connect() as conn:
            active = await pair_store.active_pairs(conn, org)
        keyboard = _menu_keyboard(org, active, page, t)
    elif picker == "pair_mentees":
        mentees = await draft_mentees(db, org)
        keyboard = _mentees_keyboard(org, mentees, page, t) if mentees is not None else None
    elif picker == "pair_mentors":
        mentors = await mentor_choices(db, org)
        keyboard = _mentors_keyboard(mentors, org, callback_data.item, page, t)
    if keyboard is None:
        await query.answer(t("pairs.no_draft"))
        return
    await query.answer()
    await show_page(query.message, keyboard)


async def on_pairs_action(
    query: CallbackQuery,
    callback_data: PairsCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    org = callback_data.org
    if not can_curate(person, org) or not isinstance(query.message, Message):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    message, now, action = query.message, datetime.now(UTC), callback_data.action
    if action == "menu":
        await _menu(message, db, org, t)
    elif action == "propose":
        view = await pairs.propose(db, org, now)
        if not view.groups and not view.unmatched:
            await message.answer(t("pairs.nobody_to_pair"))
        else:
            await _show(message, view, t)
    elif action == "edit":
        await _edit_menu(message, db, org, t)
    elif action == "mentee":
        await _mentee_menu(message, db, org, callback_data.mentee, t)
    elif action in ("move", "remove"):
        if action == "move":
            result = await pairs.move(db, org, callback_data.mentee, callback_data.mentor, now)
        else:
            result = await pairs.remove(db, org, callback_data.mentee, now)
        if result.problem is not None or result.view is None:
            reason = t(f"pairs.reason.{result.problem or pairs.NO_DRAFT}")
            await message.answer(t("pairs.problem", reason=reason))
        else:
            await _show(message, result.view, t)
    elif action == "approve":
        question = t("pairs.ask_order_number")
        await start_form(message, state, ApproveForm.order_number, question, org=org)
    elif action == ORDER_ACTION:  # the order as .docx; the rights were checked above
        await send_order(message, db, translator, org, t)
    else:
        await message.answer(t("hint.stale_button"))


async def on_order_number(message: Message, state: FSMContext, t: Texts) -> None:
    number = await read_answer(message, text_up_to(100), t("pairs.bad_order_number"))
    if number is not None:
        question = t("pairs.ask_order_date")
        await next_step(message, state, ApproveForm.order_date, question, order=number)


async def on_order_date(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    registry: Registry,
    t: Texts,
) -> None:
    data = await state.get_data()
    org = data.get("org")
    # An order is dated today or earlier: today on the school's calendar is the example.
    today = await local_today(db, org, datetime.now(UTC)) if isinstance(org, int) else None
    example = (today or datetime.now(UTC).date()).strftime("%d.%m.%Y")
    order_date = await read_day(message, t, t("pairs.bad_order_date", example=example))
    if order_date is None:
        return
    await state.clear()
    if not isinstance(org, int) or not can_curate(person, org) or person is None:
        await message.answer(t("hint.no_rights"))
        return
    approval = await approve(
        db,
        translator,
        registry,
        org,
        order_number=str(data.get("order", "")),
        order_date=order_date,
        actor_person_id=person.id,
        now=datetime.now(UTC),
    )
    if approval.problem is not None:
        await message.answer(t("pairs.no_draft"))
        return
    await message.answer(
        t(
            "pairs.approved",
            order=safe(str(data.get("order", ""))),
            date=order_date.strftime("%d.%m.%Y"),
            n=len(approval.pair_ids),
        ),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[order_button(org, t)]]),
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("pairs"))(cmd_pairs)
    router.callback_query(PairsCallback.filter())(on_pairs_action)
    router.callback_query(
        PageCallback.filter(
            F.picker.in_({"pairs_orgs", "pairs_active", "pair_mentees", "pair_mentors"})
        )
    )(on_page)
    router.callback_query(PairDissolveCallback.filter())(on_dissolve_pressed)
    router.message(DissolveForm.reason, TYPED_ANSWER)(on_dissolve_reason)
    router.message(ApproveForm.order_number, TYPED_ANSWER)(on_order_number)
    router.message(ApproveForm.order_date, TYPED_ANSWER)(on_order_date)
    return router
