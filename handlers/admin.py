"""/admin: a one-time link into the web back office for curators, coordinators and admins."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import LinkPreviewOptions, Message

from admin.tokens import LOGIN_TTL, issue_login_token
from bot.settings import Settings
from i18n import Texts
from mentoring.people.access import scope_of
from storage.people import Person

__all__ = ["build_router"]


def _owners_private_chat(message: Message, person: Person | None) -> bool:
    """A login link opens the back office as its owner: it goes to his private chat only,
    whatever filter the router has (a group would hand the link to all its members)."""
    chat = message.chat
    return chat.type == ChatType.PRIVATE and (person is None or chat.id == person.telegram_id)


async def cmd_admin(message: Message, person: Person | None, settings: Settings, t: Texts) -> None:
    if not _owners_private_chat(message, person):
        return
    if scope_of(person) is None or person is None:
        await message.answer(t("admin.bot.refused"))
        return
    if settings.secret_key is None:
        await message.answer(t("admin.bot.not_configured"))
        return
    token = issue_login_token(settings.secret_key.get_secret_value(), person.id, datetime.now(UTC))
    url = f"{settings.web_base_url}/admin/login?token={token}"
    # No preview: Telegram's preview fetch must not be the first to open a one-time link.
    await message.answer(
        t("admin.bot.link", url=url, minutes=int(LOGIN_TTL.total_seconds() // 60)),
        parse_mode=None,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("admin"))(cmd_admin)
    return router
