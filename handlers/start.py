"""Joining by invite: /start CODE → consent → full name → registered."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User

from bot.callbacks import ConsentCallback
from bot.commands import ChatMenus
from bot.keyboards import consent_keyboard
from bot.render import describe_memberships
from bot.settings import Settings
from handlers.forms import TYPED_ANSWER
from handlers.survey import show as show_survey
from i18n import Texts
from i18n.markup import safe
from mentoring.people import registration
from mentoring.people.invites import InviteProblem, check_invite
from mentoring.questionnaires.service import QuestionnaireService
from storage.db import Database
from storage.people import Person


class Registration(StatesGroup):
    consent = State()
    name = State()


PROBLEM_TEXT = {
    InviteProblem.UNKNOWN: "start.invite_unknown",
    InviteProblem.EXPIRED: "start.invite_expired",
    InviteProblem.USED_UP: "start.invite_used_up",
}


def _role_help(person: Person, t: Texts) -> str:
    return "\n".join(t(f"start.role_hint.{role}") for role in sorted(person.roles))


async def _answer_known_person(
    message: Message, person: Person, state: FSMContext, t: Texts
) -> None:
    if person.registered:
        await message.answer(
            t(
                "start.already_registered",
                name=safe(person.full_name),
                memberships=describe_memberships(person, t),
            )
        )
    else:  # consented but did not finish: resume at the name
        await state.set_state(Registration.name)
        await message.answer(t("start.ask_name"))


async def _ask_consent(message: Message, state: FSMContext, t: Texts, *, code: str | None) -> None:
    await state.set_state(Registration.consent)
    await state.set_data({"invite": code})
    await message.answer(t("consent.personal_data.text"), reply_markup=consent_keyboard(t))


async def on_start_with_invite(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    db: Database,
    person: Person | None,
    t: Texts,
) -> None:
    if person is not None:
        await _answer_known_person(message, person, state, t)
        return
    check = await check_invite(db, command.args or "", datetime.now(UTC))
    if check.problem is not None or check.invite is None:
        await message.answer(t(PROBLEM_TEXT[check.problem or InviteProblem.UNKNOWN]))
        return
    programme = await registration.programme_name(db, check)
    if check.organisation is not None:
        greeting = t("start.greeting", organisation=safe(programme))
    elif programme:  # a coordinator's invite to a municipality or region
        greeting = t("start.greeting_area", area=safe(programme))
    else:
        greeting = t("start.greeting_plain")
    await message.answer(
        greeting + "\n" + t("start.role_invited", role=t(f"roles.{check.invite.role}"))
    )
    await _ask_consent(message, state, t, code=check.invite.code)


async def on_start(
    message: Message, state: FSMContext, person: Person | None, settings: Settings, t: Texts
) -> None:
    if person is not None:
        await _answer_known_person(message, person, state, t)
    elif message.from_user and message.from_user.id in settings.admin_ids:
        await message.answer(t("start.greeting_admin"))
        await _ask_consent(message, state, t, code=None)
    else:
        await message.answer(t("start.need_invite"))


async def on_consent_given(
    query: CallbackQuery,
    state: FSMContext,
    db: Database,
    settings: Settings,
    locale: str,
    t: Texts,
) -> None:
    user: User = query.from_user
    data = await state.get_data()
    outcome = await registration.grant_consent(
        db,
        telegram_id=user.id,
        username=user.username,
        locale=locale,
        invite_code=data.get("invite"),
        as_admin=data.get("invite") is None and user.id in settings.admin_ids,
        text_version=t("consent.personal_data.version"),
        now=datetime.now(UTC),
    )
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        if outcome.problem is not None:
            await state.clear()
            await query.message.answer(t(PROBLEM_TEXT[outcome.problem]))
            return
        await state.set_state(Registration.name)
        await state.set_data({})
        await query.message.answer(t("start.ask_name"))


async def on_consent_refused(
    query: CallbackQuery, state: FSMContext, db: Database, t: Texts
) -> None:
    data = await state.get_data()
    await registration.record_refusal(db, data.get("invite"))
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(t("start.consent_refused"))


async def on_stale_consent(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("start.consent_stale"))


async def on_text_instead_of_consent(message: Message, t: Texts) -> None:
    await message.answer(t("hint.use_buttons"))
    await message.answer(t("consent.personal_data.text"), reply_markup=consent_keyboard(t))


async def on_name_given(
    message: Message,
    state: FSMContext,
    db: Database,
    bot: Bot,
    person: Person | None,
    questionnaires: QuestionnaireService,
    menus: ChatMenus,
    locale: str,
    t: Texts,
) -> None:
    if person is None:
        await state.clear()
        await message.answer(t("start.need_invite"))
        return
    registered = await registration.complete_registration(db, person.id, message.text or "")
    if registered is None:
        await message.answer(t("start.name_invalid"))
        return
    await state.clear()
    await menus.refresh(bot, message.chat.id, registered.roles, locale, t)
    await message.answer(
        t(
            "start.registered",
            name=safe(registered.full_name),
            memberships=describe_memberships(registered, t),
            role_help=_role_help(registered, t),
        )
    )
    intake = await questionnaires.begin(registered, locale, t)
    if intake is not None:
        await show_survey(bot, message.chat.id, intake)


async def on_non_text_name(message: Message, t: Texts) -> None:
    await message.answer(t("hint.text_expected"))
    await message.answer(t("start.ask_name"))


def build_router() -> Router:
    # StateFilter, not the bare state: aiogram runs sync filters in a worker thread.
    router = Router(name=__name__)
    router.message(CommandStart(deep_link=True))(on_start_with_invite)
    router.message(CommandStart())(on_start)
    router.callback_query(StateFilter(Registration.consent), ConsentCallback.filter(F.agree))(
        on_consent_given
    )
    router.callback_query(StateFilter(Registration.consent), ConsentCallback.filter(~F.agree))(
        on_consent_refused
    )
    router.callback_query(ConsentCallback.filter())(on_stale_consent)
    router.message(StateFilter(Registration.consent))(on_text_instead_of_consent)
    router.message(StateFilter(Registration.name), TYPED_ANSWER)(on_name_given)
    router.message(StateFilter(Registration.name), ~F.text)(on_non_text_name)
    return router
