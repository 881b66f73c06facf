"""Middlewares: the current person (loaded once per update) and his texts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from i18n import Translator, pick_locale
from storage import people
from storage.db import Database
from storage.person_cache import TTL_SECONDS, PersonCache

__all__ = ["PersonMiddleware"]

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class PersonMiddleware(BaseMiddleware):
    """Puts `person` (or None) and `t`/`locale` (his texts) into the handler data."""

    def __init__(self, db: Database, translator: Translator) -> None:
        self.db = db
        self.translator = translator
        # Replicas on a shared database: another process may change a person at any time.
        self.people = PersonCache(db.engine, ttl=0.0 if db.shared else TTL_SECONDS)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        person = None
        if user is not None:
            person = self.people.get(user.id)
            if person is PersonCache.MISS:
                ticket = self.people.ticket()
                async with self.db.connect() as conn:
                    person = await people.get_by_telegram_id(conn, user.id)
                self.people.put(user.id, person, ticket)
        locale = person.locale if person else pick_locale(user.language_code if user else None)
        data["person"] = person
        data["locale"] = locale
        data["t"] = self.translator.bind(locale)
        return await handler(event, data)
