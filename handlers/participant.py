"""Commands every person has: /help, /me, /language, /forget."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.callbacks import ForgetCallback, LanguageCallback
from bot.commands import ChatMenus, help_text
from bot.fsm_storage import SQLStorage
from bot.keyboards import forget_keyboard, language_keyboard
from bot.long_messages import send_long
from bot.render import describe_memberships, local_datetime
from bot.settings import Settings
from i18n import LOCALES, Texts, Translator
from i18n.markup import safe
from mentoring.people import registration
from mentoring.people.erasure import forget_person
from storage import consents
from storage.db import Database
from storage.people import Person
from surveys.definitions import Registry


async def cmd_help(message: Message, person: Person | None, t: Texts) -> None:
    roles = person.roles if person is not None and person.registered else None
    await send_long(message, help_text(roles, t))


def _consent_lines(items: list[consents.Consent], t: Texts, timezone: str) -> list[str]:
    lines = [t("me.consents_header")]
    for consent in items:
        kind = t(f"me.consent_kinds.{consent.kind}")
        if consent.withdrawn_at is not None:
            lines.append(
                t(
                    "me.consent_withdrawn",
                    kind=kind,
                    version=consent.text_version,
                    withdrawn_at=local_datetime(consent.withdrawn_at, timezone),
                )
            )
        else:
            granted_by = (
                t("me.granted_by_self")
                if consent.granted_by == "self"
                else safe(consent.granted_by)
            )
            lines.append(
                t(
                    "me.consent_line",
                    kind=kind,
                    version=consent.text_version,
                    granted_at=local_datetime(consent.granted_at, timezone),
                    granted_by=granted_by,
                )
            )
    return lines


async def cmd_me(
    message: Message, person: Person | None, db: Database, settings: Settings, t: Texts
) -> None:
    if person is None:
        await message.answer(t("me.not_registered"))
        return
    timezone = settings.default_timezone
    async with db.connect() as conn:
        items = await consents.list_for_person(conn, person.id)
    profile = t(
        "me.profile",
        name=safe(person.full_name) or "—",
        status=t(f"status.{person.status}"),
        memberships=describe_memberships(person, t),
        locale=t(f"language.names.{person.locale}"),
        registered_at=local_datetime(person.created_at, timezone),
    )
    await send_long(message, "\n".join([profile, "", *_consent_lines(items, t, timezone)]))


async def cmd_language(message: Message, t: Texts) -> None:
    await message.answer(t("language.choose"), reply_markup=language_keyboard(t))


async def on_language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCallback,
    person: Person | None,
    db: Database,
    bot: Bot,
    translator: Translator,
    menus: ChatMenus,
) -> None:
    if callback_data.locale not in LOCALES:  # forged data
        await query.answer()
        return
    t = translator.bind(callback_data.locale)
    if person is not None:
        await registration.set_locale(db, person.id, callback_data.locale)
        if person.registered and isinstance(query.message, Message):
            await menus.refresh(bot, query.message.chat.id, person.roles, callback_data.locale, t)
    await query.answer(t("language.set"))
    if isinstance(query.message, Message):
        await query.message.edit_text(t("language.set"), reply_markup=None)


async def cmd_forget(message: Message, person: Person | None, t: Texts) -> None:
    if person is None:
        await message.answer(t("forget.nothing"))
        return
    await message.answer(t("forget.confirm"), reply_markup=forget_keyboard(t))


async def on_forget_answered(
    query: CallbackQuery,
    callback_data: ForgetCallback,
    person: Person | None,
    state: FSMContext,
    db: Database,
    bot: Bot,
    translator: Translator,
    registry: Registry,
    menus: ChatMenus,
    t: Texts,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if person is None:  # already forgotten: a double tap or an old button
        await query.message.edit_text(t("forget.nothing"), reply_markup=None)
        return
    if not callback_data.confirm:
        await query.message.edit_text(t("forget.kept"), reply_markup=None)
        return
    await state.clear()
    await forget_person(db, translator, registry, person, now=datetime.now(UTC))
    if isinstance(state.storage, SQLStorage) and person.telegram_id is not None:
        state.storage.forget_user(person.telegram_id)
    await menus.refresh(bot, query.message.chat.id, None, person.locale, t)  # the default menu
    await query.message.edit_text(t("forget.done"), reply_markup=None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("help"))(cmd_help)
    router.message(Command("me"))(cmd_me)
    router.message(Command("language"))(cmd_language)
    router.callback_query(LanguageCallback.filter())(on_language_chosen)
    router.message(Command("forget"))(cmd_forget)
    router.callback_query(ForgetCallback.filter())(on_forget_answered)
    return router
