"""A parent's consent through the child's one-time link: /start p_CODE → text → name → agree."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks import ParentConsentCallback
from bot.keyboards import parent_consent_keyboard
from handlers.forms import TYPED_ANSWER
from i18n import Texts, Translator
from i18n.markup import safe
from mentoring.people.parental import (
    PARENT_CODE_PREFIX,
    ParentCodeProblem,
    check_parent_code,
    child_for_code,
    grant_parent_consent,
)
from storage.db import Database

log = logging.getLogger(__name__)


class ParentConsent(StatesGroup):
    consent = State()
    name = State()


PROBLEM_TEXT = {
    ParentCodeProblem.UNKNOWN: "parent.unknown",
    ParentCodeProblem.EXPIRED: "parent.expired",
    ParentCodeProblem.USED: "parent.used",
    ParentCodeProblem.OWN_ACCOUNT: "parent.own_account",
    ParentCodeProblem.REGISTERED: "parent.registered_account",
}


async def _consent_text(db: Database, code: str, t: Texts) -> str:
    """The consent as the parent reads it: whose data, which organisation, what for."""
    child = await child_for_code(db, code)
    organisation = child.memberships[0].organisation_name if child and child.memberships else ""
    return t(
        "parent.consent_text",
        child=safe((child.full_name if child else None) or "—"),
        organisation=safe(organisation or "—"),
    )


async def on_parent_link(
    message: Message, command: CommandObject, state: FSMContext, db: Database, t: Texts
) -> None:
    code = command.args or ""
    opener = message.from_user.id if message.from_user else message.chat.id
    problem = await check_parent_code(db, code, datetime.now(UTC), telegram_id=opener)
    if problem is not None:
        await message.answer(t(PROBLEM_TEXT[problem]))
        return
    await state.set_state(ParentConsent.consent)
    await state.set_data({"parent_code": code})
    await message.answer(await _consent_text(db, code, t), reply_markup=parent_consent_keyboard(t))


async def on_parent_answer(
    query: CallbackQuery, callback_data: ParentConsentCallback, state: FSMContext, t: Texts
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    if callback_data.agree:
        await state.set_state(ParentConsent.name)
        await query.message.answer(t("parent.ask_name"))
    else:
        await state.clear()
        await query.message.answer(t("parent.refused"))


async def on_stale_parent_answer(query: CallbackQuery, t: Texts) -> None:
    await query.answer(t("start.consent_stale"))


async def on_parent_name(
    message: Message, state: FSMContext, db: Database, bot: Bot, translator: Translator, t: Texts
) -> None:
    code = (await state.get_data()).get("parent_code", "")
    result = await grant_parent_consent(
        db,
        code=code,
        parent_name=message.text or "",
        telegram_id=message.from_user.id if message.from_user else message.chat.id,
        text_version=t("parent.consent_version"),
        now=datetime.now(UTC),
    )
    if result.problem is ParentCodeProblem.BAD_NAME:
        await message.answer(t("parent.name_invalid"))
        return
    await state.clear()
    if result.problem is not None:
        await message.answer(t(PROBLEM_TEXT[result.problem]))
        return
    await message.answer(t("parent.done"))
    child = await child_for_code(db, code)
    if child is not None and child.telegram_id is not None:
        try:
            await bot.send_message(
                child.telegram_id, translator.get(child.locale, "questionnaires.parent_received")
            )
        except TelegramAPIError as exc:  # the consent is recorded; the notice is a courtesy
            log.warning("parent.notify_failed person=%s error=%s", child.id, type(exc).__name__)


async def on_parent_non_text(message: Message, t: Texts) -> None:
    await message.answer(t("hint.text_expected"))
    await message.answer(t("parent.ask_name"))


async def on_stale_consent_text(
    message: Message, state: FSMContext, db: Database, t: Texts
) -> None:
    code = (await state.get_data()).get("parent_code", "")
    await message.answer(t("hint.use_buttons"))
    await message.answer(await _consent_text(db, code, t), reply_markup=parent_consent_keyboard(t))


def build_router() -> Router:
    # StateFilter, not the bare state: aiogram runs sync filters in a worker thread.
    router = Router(name=__name__)
    router.message(CommandStart(deep_link=True, magic=F.args.startswith(PARENT_CODE_PREFIX)))(
        on_parent_link
    )
    router.callback_query(StateFilter(ParentConsent.consent), ParentConsentCallback.filter())(
        on_parent_answer
    )
    router.callback_query(ParentConsentCallback.filter())(on_stale_parent_answer)
    router.message(StateFilter(ParentConsent.consent))(on_stale_consent_text)
    router.message(StateFilter(ParentConsent.name), TYPED_ANSWER)(on_parent_name)
    router.message(StateFilter(ParentConsent.name), ~F.text)(on_parent_non_text)
    return router
