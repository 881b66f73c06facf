"""/training: the year's mentor training and webinars for a curator or a coordinator, a form
to schedule one, attendance marked by name; and everyone's answers to the invitation, the
attendance check at the start and the materials' files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import PageCallback
from bot.long_messages import paged_keyboard, send_long, show_page
from bot.notices import TrainingAnswerCallback, TrainingFileCallback
from bot.parsing import parse_clock
from handlers.forms import TYPED_ANSWER, next_step, read_answer, read_day, start_form
from i18n import Texts, Translator
from i18n.markup import safe
from i18n.wording import school_year_label, zone_label
from mentoring.stats.periods import school_year_of
from mentoring.training import answers, rules, service
from mentoring.training.wording import session_line, when
from storage.db import Database
from storage.people import Person
from storage.training import Material

__all__ = ["TrainingForm", "build_router"]

SESSIONS_SHOWN = 30
ALERTS = ("already", "stale", "cancelled", "started", "not_started", "expired", "marked")


class TrainingForm(StatesGroup):
    title = State()
    day = State()
    clock = State()
    where = State()
    audience = State()
    materials = State()


class TrainingMenuCallback(CallbackData, prefix="trm"):
    """new: start the form; attendance: the session's list; audience / done: form steps."""

    action: str
    session: int = 0
    audience: str = ""


class TrainingMarkCallback(CallbackData, prefix="trk"):
    session: int
    person: int
    page: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


async def cmd_training(
    message: Message, state: FSMContext, person: Person | None, db: Database, locale: str, t: Texts
) -> None:
    if not await service.organisable(db, person):
        await message.answer(t("training.schedule.not_staff"))
        return
    await state.clear()
    now = _now()
    sessions = await service.schedule_of(db, person, now)
    lines = [t("training.schedule.header", year=school_year_label(school_year_of(now.date())))]
    lines += [session_line(s, t, locale, safe) for s in sessions] or [t("training.schedule.empty")]
    builder = [
        [
            InlineKeyboardButton(
                text=t("training.button.attendance", title=s.title)[:60],
                callback_data=TrainingMenuCallback(action="attendance", session=s.id).pack(),
            )
        ]
        for s in sessions[-SESSIONS_SHOWN:]
        if s.starts_at <= now and s.status == "scheduled"
    ]
    new = TrainingMenuCallback(action="new").pack()
    builder.append([InlineKeyboardButton(text=t("training.button.new"), callback_data=new)])
    markup = InlineKeyboardMarkup(inline_keyboard=builder)
    await send_long(message, "\n".join(lines), reply_markup=markup)


async def on_new(
    query: CallbackQuery, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    orgs = await service.organisable(db, person)
    if not orgs or not isinstance(query.message, Message):
        await query.answer(t("training.form.no_organisations"), show_alert=True)
        return
    await query.answer()
    question = t("training.form.ask_title", limit=rules.TITLE_MAX)
    await start_form(query.message, state, TrainingForm.title, question, tz=orgs[0].timezone)


async def on_title(message: Message, state: FSMContext, t: Texts) -> None:
    title = await read_answer(
        message, rules.parse_title, t("training.form.bad_title", limit=rules.TITLE_MAX)
    )
    if title is None:
        return
    example = (_now() + timedelta(days=7)).strftime("%d.%m.%Y")
    await next_step(
        message, state, TrainingForm.day, t("training.form.ask_date", example=example), title=title
    )


async def on_day(message: Message, state: FSMContext, locale: str, t: Texts) -> None:
    example = (_now() + timedelta(days=7)).strftime("%d.%m.%Y")
    day = await read_day(message, t, t("training.form.bad_date", example=example))
    if day is None:
        return
    data = await state.get_data()
    zone = zone_label(str(data["tz"]), locale, _now())
    await next_step(
        message,
        state,
        TrainingForm.clock,
        t("training.form.ask_time", timezone=zone),
        day=day.isoformat(),
    )


async def on_clock(message: Message, state: FSMContext, t: Texts) -> None:
    clock = await read_answer(message, parse_clock, t("training.form.bad_time"))
    if clock is None:
        return
    data = await state.get_data()
    local = datetime.combine(date.fromisoformat(data["day"]), clock, ZoneInfo(str(data["tz"])))
    if local <= _now():
        await message.answer(t("training.form.past"))
        example = (_now() + timedelta(days=7)).strftime("%d.%m.%Y")
        await next_step(
            message, state, TrainingForm.day, t("training.form.ask_date", example=example)
        )
        return
    question = t("training.form.ask_where", limit=rules.PLACE_MAX)
    await next_step(message, state, TrainingForm.where, question, clock=clock.strftime("%H:%M"))


def _audience_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t(f"training.audience.{name}"),
                    callback_data=TrainingMenuCallback(action="audience", audience=name).pack(),
                )
            ]
            for name in rules.AUDIENCES
        ]
    )


async def on_where(message: Message, state: FSMContext, t: Texts) -> None:
    found = await read_answer(
        message, rules.parse_where, t("training.form.bad_where", limit=rules.PLACE_MAX)
    )
    if found is None:
        return
    await next_step(
        message,
        state,
        TrainingForm.audience,
        t("training.form.ask_audience"),
        _audience_keyboard(t),
        link=found.link,
        place=found.place,
    )


def _done_keyboard(t: Texts) -> InlineKeyboardMarkup:
    done = TrainingMenuCallback(action="done").pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t("training.button.materials_done"), callback_data=done)]
        ]
    )


async def on_audience(
    query: CallbackQuery, callback_data: TrainingMenuCallback, state: FSMContext, t: Texts
) -> None:
    if (
        await state.get_state() != TrainingForm.audience.state
        or callback_data.audience not in rules.AUDIENCES
    ):
        await query.answer(t("hint.stale_button"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await next_step(
            query.message,
            state,
            TrainingForm.materials,
            t("training.form.ask_materials"),
            _done_keyboard(t),
            audience=callback_data.audience,
            materials=[],
        )


async def on_material(message: Message, state: FSMContext, t: Texts) -> None:
    data = await state.get_data()
    materials: list[dict[str, object]] = list(data.get("materials", []))
    if len(materials) >= rules.MATERIALS_MAX:
        await message.answer(
            t("training.form.too_many", limit=rules.MATERIALS_MAX), reply_markup=_done_keyboard(t)
        )
        return
    if message.document is not None:
        size = message.document.file_size or 0
        if size > rules.FILE_LIMIT_BYTES:
            await message.answer(t("training.form.file_too_big"), reply_markup=_done_keyboard(t))
            return
        name = (message.document.file_name or "—")[:200]
        materials.append(
            {"file_id": message.document.file_id, "file_name": name, "file_size": size}
        )
    else:
        link = rules.parse_link(message.text or "")
        if link is None:
            await message.answer(t("training.form.bad_material"), reply_markup=_done_keyboard(t))
            return
        materials.append({"url": link})
    await state.update_data(materials=materials)
    await message.answer(
        t("training.form.material_added", count=len(materials)), reply_markup=_done_keyboard(t)
    )


async def on_done(
    query: CallbackQuery,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    locale: str,
    t: Texts,
) -> None:
    if await state.get_state() != TrainingForm.materials.state or not isinstance(
        query.message, Message
    ):
        await query.answer(t("hint.stale_button"), show_alert=True)
        return
    data = await state.get_data()
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    draft = service.Draft(
        title=str(data["title"]),
        day=date.fromisoformat(data["day"]),
        at=datetime.strptime(data["clock"], "%H:%M").time(),
        audience=str(data["audience"]),
        link=data.get("link"),
        place=data.get("place"),
        materials=tuple(Material(**m) for m in data.get("materials", [])),
    )
    result = await service.schedule(db, translator, person, draft, _now())
    if result.session is None:
        await query.message.answer(t(f"training.form.{result.status}", limit=rules.TITLE_MAX))
        return
    await query.message.answer(
        t(
            "training.form.scheduled",
            title=safe(draft.title),
            when=when(result.session, locale),
            invited=result.invited,
        )
    )


async def _attendance_markup(
    db: Database, session_id: int, t: Texts, page: int
) -> InlineKeyboardMarkup | None:
    invited = await service.invitations_of(db, session_id)
    if not invited:
        return None
    buttons = []
    for i in invited:
        label = t(
            "training.attendance.present" if i.attended else "training.attendance.absent",
            name=i.full_name or "—",
        )
        if i.answer == "no":
            label += t("training.attendance.declined_mark")
        data = TrainingMarkCallback(session=session_id, person=i.person_id, page=page).pack()
        buttons.append(InlineKeyboardButton(text=label[:60], callback_data=data))
    return paged_keyboard(buttons, PageCallback(picker="training", page=page, org=session_id), t)


async def on_attendance(
    query: CallbackQuery,
    callback_data: TrainingMenuCallback | PageCallback,
    person: Person | None,
    db: Database,
    locale: str,
    t: Texts,
) -> None:
    session_id = (
        callback_data.session
        if isinstance(callback_data, TrainingMenuCallback)
        else callback_data.org
    )
    page = callback_data.page if isinstance(callback_data, PageCallback) else 0
    session = await service.session_for(db, person, session_id)
    if session is None or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"), show_alert=True)
        return
    if session.starts_at > _now():
        await query.answer(t("training.attendance.not_started"), show_alert=True)
        return
    markup = await _attendance_markup(db, session.id, t, page)
    await query.answer()
    if markup is None:
        await query.message.answer(t("training.attendance.empty"))
    elif isinstance(callback_data, PageCallback):
        await show_page(query.message, markup)
    else:
        text = t(
            "training.attendance.header", title=safe(session.title), when=when(session, locale)
        )
        await query.message.answer(text, reply_markup=markup)


async def on_mark(
    query: CallbackQuery,
    callback_data: TrainingMarkCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    result = await answers.toggle(db, person, callback_data.session, callback_data.person, _now())
    if result.status not in ("marked", "unchanged"):
        outcome = "not_started" if result.status == "not_started" else "stale"
        await query.answer(t(f"training.outcome.{outcome}"), show_alert=True)
        return
    done = t("training.attendance.roadmap_done") if result.trained_organisations else ""
    await query.answer(done or t(f"training.attendance.{result.status}"), show_alert=bool(done))
    markup = await _attendance_markup(db, callback_data.session, t, callback_data.page)
    if markup is not None and isinstance(query.message, Message):
        await show_page(query.message, markup)


async def on_answer(
    query: CallbackQuery,
    callback_data: TrainingAnswerCallback,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    outcome = await answers.answer(db, person, callback_data.session, callback_data.answer, _now())
    await query.answer(t(f"training.outcome.{outcome}"), show_alert=outcome in ALERTS)


async def on_file(
    query: CallbackQuery,
    callback_data: TrainingFileCallback,
    person: Person | None,
    db: Database,
    t: Texts,
    bot: Bot,
) -> None:
    material = await answers.file_for(db, person, callback_data.session, callback_data.material)
    if material is None or material.file_id is None or query.from_user is None:
        await query.answer(t("training.outcome.stale"), show_alert=True)
        return
    await query.answer()
    await bot.send_document(query.from_user.id, material.file_id)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("training"))(cmd_training)
    router.callback_query(TrainingMenuCallback.filter(F.action == "new"))(on_new)
    router.callback_query(TrainingMenuCallback.filter(F.action == "attendance"))(on_attendance)
    router.callback_query(PageCallback.filter(F.picker == "training"))(on_attendance)
    router.callback_query(TrainingMenuCallback.filter(F.action == "audience"))(on_audience)
    router.callback_query(TrainingMenuCallback.filter(F.action == "done"))(on_done)
    router.callback_query(TrainingMarkCallback.filter())(on_mark)
    router.callback_query(TrainingAnswerCallback.filter())(on_answer)
    router.callback_query(TrainingFileCallback.filter())(on_file)
    router.message(TrainingForm.title, TYPED_ANSWER)(on_title)
    router.message(TrainingForm.day, TYPED_ANSWER)(on_day)
    router.message(TrainingForm.clock, TYPED_ANSWER)(on_clock)
    router.message(TrainingForm.where, TYPED_ANSWER)(on_where)
    router.message(TrainingForm.materials, F.document | TYPED_ANSWER)(on_material)
    return router
