"""Answering questionnaires in the chat: one question per message, resumable, with buttons."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import SurveyCallback, SurveyStartCallback
from bot.keyboards import survey_keyboard, survey_start_keyboard
from i18n import Texts
from mentoring.people.parental import ensure_parent_code, needs_parent_consent
from mentoring.people.profiles import INTAKE_CODES
from mentoring.questionnaires.service import QuestionnaireService, Screen, Turn
from storage.db import Database
from storage.people import Person
from surveys.state import Press, TextInput, WrongKind


# Filters are coroutines: aiogram runs a plain function or an F filter in a thread, and every
# message in a private chat that gets this far would pay a trip there and back for each.
async def typed_text(message: Message) -> bool:
    """Text that is not a command."""
    text = message.text or ""
    return bool(text) and not text.startswith("/")


async def no_text(message: Message) -> bool:
    return not message.text


async def in_survey(
    message: Message, person: Person | None, questionnaires: QuestionnaireService
) -> bool:
    """True when the sender is a registered person with a questionnaire in progress."""
    return person is not None and person.registered and await questionnaires.in_progress(person.id)


async def show(bot: Bot, chat_id: int, screen: Screen) -> Message:
    markup = survey_keyboard(screen.view, screen.response_id, screen.step)
    return await bot.send_message(chat_id, screen.view.text, reply_markup=markup, parse_mode=None)


async def _reply(
    bot: Bot,
    chat_id: int,
    person: Person,
    turn: Turn,
    db: Database,
    questionnaires: QuestionnaireService,
    locale: str,
    t: Texts,
) -> None:
    """The next screen; after a submission, the parent link for a minor and the next one."""
    if turn.screen is not None:
        await show(bot, chat_id, turn.screen)
    if not turn.submitted_survey:
        return
    now = datetime.now(UTC)
    if turn.submitted_survey in INTAKE_CODES and await needs_parent_consent(
        db, person.id, now.date()
    ):
        code = await ensure_parent_code(db, person.id, now)
        me = await bot.me()
        await bot.send_message(
            chat_id,
            t("questionnaires.parent_needed", link=f"https://t.me/{me.username}?start={code}"),
        )
    if turn.queued is not None:
        title = questionnaires.registry.get(turn.queued.survey_code).title
        await bot.send_message(
            chat_id,
            t("questionnaires.next_queued", title=getattr(title, locale)),
            reply_markup=survey_start_keyboard(t, turn.queued.id),
        )


async def cmd_survey(
    message: Message,
    person: Person | None,
    questionnaires: QuestionnaireService,
    locale: str,
    t: Texts,
) -> None:
    if person is None or not person.registered:
        await message.answer(t("me.not_registered"))
        return
    screen = await questionnaires.begin(person, locale, t)
    if screen is None:
        await message.answer(t("questionnaires.nothing_to_answer"))
        return
    await show(message.bot, message.chat.id, screen)  # type: ignore[arg-type]


async def on_start_pressed(
    query: CallbackQuery,
    callback_data: SurveyStartCallback,
    person: Person | None,
    questionnaires: QuestionnaireService,
    locale: str,
    t: Texts,
) -> None:
    if person is None or not person.registered or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    current = await questionnaires.current(person, locale, t)
    if current is not None:
        await query.answer(t("questionnaires.finish_current_first"))
        await show(query.message.bot, query.message.chat.id, current)  # type: ignore[arg-type]
        return
    screen = await questionnaires.begin(person, locale, t, assignment_id=callback_data.assignment)
    if screen is None:
        await query.answer(t("hint.stale_button"))
        return
    try:
        await query.message.edit_reply_markup(reply_markup=None)
        await show(query.message.bot, query.message.chat.id, screen)  # type: ignore[arg-type]
    finally:
        await query.answer()  # last: an answered press means its screen is already shown


async def on_survey_text(
    message: Message,
    bot: Bot,
    person: Person,
    db: Database,
    questionnaires: QuestionnaireService,
    locale: str,
    t: Texts,
) -> None:
    turn = await questionnaires.answer(person, TextInput(message.text or ""), locale, t)
    await _reply(bot, message.chat.id, person, turn, db, questionnaires, locale, t)


async def on_survey_other_message(
    message: Message,
    bot: Bot,
    person: Person,
    db: Database,
    questionnaires: QuestionnaireService,
    locale: str,
    t: Texts,
) -> None:
    turn = await questionnaires.answer(
        person,
        WrongKind(str(getattr(message.content_type, "value", message.content_type))),
        locale,
        t,
    )
    await _reply(bot, message.chat.id, person, turn, db, questionnaires, locale, t)


async def on_survey_button(
    query: CallbackQuery,
    callback_data: SurveyCallback,
    bot: Bot,
    person: Person | None,
    db: Database,
    questionnaires: QuestionnaireService,
    locale: str,
    t: Texts,
) -> None:
    if person is None or not person.registered or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    turn = await questionnaires.answer(
        person,
        Press(step=callback_data.s, action=callback_data.a),
        locale,
        t,
        response_id=callback_data.r,
    )
    # The press is answered last, once its screen is shown: a quick second tap (a person's
    # or a test client's) then always meets the new keyboard, never the old one.
    try:
        await _show_turn(query.message, bot, person, turn, db, questionnaires, locale, t)
    finally:
        await query.answer(turn.notice)


async def _show_turn(
    message: Message,
    bot: Bot,
    person: Person,
    turn: Turn,
    db: Database,
    questionnaires: QuestionnaireService,
    locale: str,
    t: Texts,
) -> None:
    if not turn.changed or turn.screen is None:
        return
    if turn.same_question and not turn.submitted_survey:
        # Toggling a choice: the same question, updated in place.
        screen = turn.screen
        await message.edit_text(
            screen.view.text,
            reply_markup=survey_keyboard(screen.view, screen.response_id, screen.step),
            parse_mode=None,
        )
        return
    await message.edit_reply_markup(reply_markup=None)
    await _reply(bot, message.chat.id, person, turn, db, questionnaires, locale, t)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("survey"))(cmd_survey)
    router.callback_query(SurveyStartCallback.filter())(on_start_pressed)
    router.callback_query(SurveyCallback.filter())(on_survey_button)
    router.message(typed_text, in_survey)(on_survey_text)
    router.message(no_text, in_survey)(on_survey_other_message)
    return router
