"""Meetings in chat: the /meeting form's date, time and place (its first steps, which pair
and which kind, are in `handlers.meeting_start`), /meetings (list), answers and outcomes by
button, and moving or cancelling a meeting.

Callback data only names a meeting or a pair; the service re-checks on every press that
the presser belongs to the meeting (or curates its organisation).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import MeetingActionCallback, MeetingAnswerCallback
from bot.long_messages import send_long
from bot.parsing import parse_clock
from handlers.forms import TYPED_ANSWER, next_step, read_answer, read_day, text_up_to
from i18n import Texts, Translator
from i18n.markup import safe
from i18n.wording import zone_label
from mentoring.meetings import outcomes, queries, service
from mentoring.questionnaires.waves import organisation_today
from storage.db import Database
from storage.people import Person
from surveys.definitions import Registry

__all__ = ["MeetingForm", "build_router"]

log = logging.getLogger(__name__)

UPCOMING_SHOWN = 20
PAST_SHOWN = 10
# why an answer came too late: the invitation's buttons are spent for good
SETTLED = ("already_confirmed", "was_declined", "was_cancelled", "moved", "over")


class MeetingForm(StatesGroup):
    kind = State()  # the kind picker is up: its buttons belong to this form (form_guard)
    day = State()
    clock = State()
    place = State()


class CancelForm(StatesGroup):
    reason = State()


def _now() -> datetime:
    return datetime.now(UTC)


async def on_day(message: Message, state: FSMContext, db: Database, locale: str, t: Texts) -> None:
    data = await state.get_data()
    timezone = await queries.organisation_timezone(db, int(data["org"]))
    # The example is itself a good answer: a week ahead on the organisation's calendar.
    week_ahead = organisation_today(timezone, datetime.now(UTC)) + timedelta(days=7)
    hint = t("meetings.bad_date", example=week_ahead.strftime("%d.%m.%Y"))
    day = await read_day(message, t, hint)
    if day is None:
        return
    zone = zone_label(timezone, locale, datetime.now(UTC))  # «Москва (UTC+3)»
    question = t("meetings.ask_time", timezone=zone)
    await next_step(message, state, MeetingForm.clock, question, day=day.isoformat(), tz=timezone)


async def on_clock(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
    bot: Bot,
) -> None:
    clock = await read_answer(message, parse_clock, t("meetings.bad_time"))
    if clock is None:
        return
    data = await state.get_data()
    local = datetime.combine(datetime.fromisoformat(data["day"]), clock, ZoneInfo(data["tz"]))
    starts_at = local.astimezone(UTC)
    if starts_at <= _now():
        await message.answer(t("meetings.refused.past"))
        await next_step(message, state, MeetingForm.day, t("meetings.ask_date"))
        return
    if "moving" in data:  # a new time for an existing meeting
        await state.clear()
        outcome = await service.reschedule(
            db, translator, person, int(data["moving"]), starts_at=starts_at, now=_now()
        )
        await _rewrite_invitations(bot, outcome.edits)
        await message.answer(
            t("meetings.rescheduled", date=local.strftime("%d.%m.%Y"), time=local.strftime("%H:%M"))
            if outcome.ok
            else t(f"meetings.refused.{outcome.reason}")
        )
        return
    question = t("meetings.ask_place")
    await next_step(message, state, MeetingForm.place, question, starts_at=starts_at.isoformat())


async def on_place(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
) -> None:
    place = await read_answer(message, text_up_to(300), t("meetings.bad_place"))
    if place is None:
        return
    data = await state.get_data()
    await state.clear()
    pair_id = int(data["pair"]) or None
    starts_at = datetime.fromisoformat(data["starts_at"])
    outcome = await service.create(
        db,
        translator,
        person,
        organisation_id=int(data["org"]),
        pair_id=pair_id,
        kind=str(data["kind"]),
        starts_at=starts_at,
        place=place,
        now=_now(),
    )
    if not outcome.ok:
        await message.answer(t(f"meetings.refused.{outcome.reason}"))
        return
    local = starts_at.astimezone(ZoneInfo(data["tz"]))
    await message.answer(
        t(
            "meetings.created",
            kind=t(f"meetings.kind.{data['kind']}"),
            date=local.strftime("%d.%m.%Y"),
            time=local.strftime("%H:%M"),
            place=safe(place),
        )
    )


async def on_action(
    query: CallbackQuery,
    callback_data: MeetingActionCallback | MeetingAnswerCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    registry: Registry,
    t: Texts,
    bot: Bot,
) -> None:
    meeting_id, action = callback_data.meeting, callback_data.action
    if action in ("confirm", "decline"):
        outcome = await service.answer(
            db,
            translator,
            person,
            meeting_id,
            confirm=action == "confirm",
            now=_now(),
            at=getattr(callback_data, "at", None),
        )
        await _rewrite_invitations(bot, outcome.edits)  # the other members' invitations
        reply = f"meetings.answered_{action}"
    elif action in ("held", "not_held"):
        outcome = await outcomes.record_outcome(
            db, translator, registry, person, meeting_id, held=action == "held", now=_now()
        )
        reply = f"meetings.recorded_{action}"
    elif action in ("other_time", "moved"):
        outcome = await queries.check_mover(db, person, meeting_id)
        reply = "meetings.ask_date"
        if outcome.ok:
            meeting = await queries.get_meeting(db, meeting_id)
            assert meeting is not None
            await state.set_data({"moving": meeting_id, "org": meeting.organisation_id})
            await state.set_state(MeetingForm.day)
    elif action == "cancel":
        outcome = await queries.check_member(db, person, meeting_id)  # the service checks again
        reply = "meetings.ask_cancel_reason"
        if outcome.ok:
            await state.set_data({"cancelling": meeting_id})
            await state.set_state(CancelForm.reason)
    else:
        outcome = service.Outcome(False, "stale")
        reply = ""
    if not outcome.ok:
        text = t(f"meetings.refused.{outcome.reason}", **dict(outcome.details))
        await query.answer(text, show_alert=True)
        spent = outcome.reason in SETTLED and action in ("confirm", "decline")
        if spent and isinstance(query.message, Message) and query.message.reply_markup:
            await _drop_buttons(query.message)  # the answer came from someone else
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    text = t(reply)
    if action == "confirm":
        text += " " + t(f"meetings.reminders.{_reminders_key(outcome.reminders)}")
    if action in ("confirm", "decline") and query.message.reply_markup is not None:
        await _drop_buttons(query.message)  # answered: the invitation's buttons are spent
    await query.message.answer(text)


async def _drop_buttons(message: Message) -> None:
    try:
        await message.edit_reply_markup(reply_markup=None)
    except TelegramBadRequest as error:  # a double tap: already without buttons
        if "message is not modified" not in error.message:
            raise


async def _rewrite_invitations(bot: Bot, edits: tuple[service.InvitationEdit, ...]) -> None:
    """The other members' invitations, settled: their buttons gone, a line on what happened.

    Best effort: a message too old to edit, deleted, or already so is left as it is (its
    stale buttons still say why when pressed); the answer itself is already saved."""
    for edit in edits:
        try:
            await bot.edit_message_text(
                chat_id=edit.chat_id,
                message_id=edit.message_id,
                text=edit.text,
                parse_mode=None,
                reply_markup=None,
            )
        except Exception as error:  # never the answer's undoing
            detail = error.message if isinstance(error, TelegramAPIError) else ""
            log.info("meetings.invitation_not_edited error=%s %s", type(error).__name__, detail)


def _reminders_key(leads: tuple[int, ...]) -> str:
    """What a confirmation may promise: only the reminders that will come."""
    day, hour = 24 * 60 in leads, 60 in leads
    return "both" if day and hour else "day" if day else "hour" if hour else "none"


async def on_cancel_reason(
    message: Message,
    state: FSMContext,
    person: Person | None,
    db: Database,
    translator: Translator,
    t: Texts,
    bot: Bot,
) -> None:
    reason = (message.text or "").strip()
    meeting_id = (await state.get_data()).get("cancelling")
    await state.clear()
    if not isinstance(meeting_id, int):
        await message.answer(t("meetings.refused.stale"))
        return
    outcome = await service.cancel(db, translator, person, meeting_id, reason=reason, now=_now())
    await _rewrite_invitations(bot, outcome.edits)
    if not outcome.ok:
        await message.answer(t(f"meetings.refused.{outcome.reason}"))
        return
    await message.answer(t("meetings.cancelled"))


async def cmd_meetings(message: Message, person: Person | None, db: Database, t: Texts) -> None:
    if person is None:
        await message.answer(t("meetings.list_empty"))
        return
    mine = await queries.meetings_of(db, person)

    unique = mine.meetings
    if not unique:
        await message.answer(t("meetings.list_empty"))
        return
    now = _now()
    lines: list[str] = []
    upcoming = [m for m in unique if m.starts_at >= now]
    past = [m for m in unique if m.starts_at < now]
    for header, chosen, more in (
        ("meetings.upcoming_header", upcoming[:UPCOMING_SHOWN], len(upcoming) - UPCOMING_SHOWN),
        ("meetings.past_header", past[-PAST_SHOWN:], len(past) - PAST_SHOWN),
    ):
        if not chosen:
            continue
        lines.append(t(header))
        for m in chosen:
            local = m.starts_at.astimezone(ZoneInfo(mine.timezone(m)))
            lines.append(
                t(
                    "meetings.list_line",
                    date=local.strftime("%d.%m.%Y"),
                    time=local.strftime("%H:%M"),
                    kind=t(f"meetings.kind.{m.kind}"),
                    place=safe(m.place),
                    status=t(f"meetings.status.{m.status}"),
                )
            )
            names = mine.pairs.get(m.pair_id) if m.pair_id is not None else None
            if names:  # whose meeting it is: the curator and a mentor of several pairs ask
                pair = t("meetings.pair_label", mentor=names[0], mentees=", ".join(names[1:]))
                lines.append(t("meetings.list_pair", pair=safe(pair)))
        if more > 0:  # the nearest coming and the latest past ones; the rest are counted
            lines.append(t("paging.more", n=more))
    builder = InlineKeyboardBuilder()
    offered = 0
    for m in unique:
        if m.starts_at < now or m.id not in mine.cancellable or offered >= 10:
            continue
        offered += 1
        local = m.starts_at.astimezone(ZoneInfo(mine.timezone(m)))
        builder.button(
            text=f"{t('meetings.button.cancel')} {local:%d.%m %H:%M}",
            callback_data=MeetingActionCallback(action="cancel", meeting=m.id),
        )
    builder.adjust(1)
    markup = builder.as_markup() if offered else None
    await send_long(message, "\n".join(lines), reply_markup=markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("meetings"))(cmd_meetings)
    router.callback_query(MeetingActionCallback.filter())(on_action)
    router.callback_query(MeetingAnswerCallback.filter())(on_action)
    router.message(MeetingForm.day, TYPED_ANSWER)(on_day)
    router.message(MeetingForm.clock, TYPED_ANSWER)(on_clock)
    router.message(MeetingForm.place, TYPED_ANSWER)(on_place)
    router.message(CancelForm.reason, TYPED_ANSWER)(on_cancel_reason)
    return router
