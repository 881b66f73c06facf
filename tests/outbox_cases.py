"""Outbox rows for the tests, and a Bot API session that fails on cue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from scheduler.clock import FakeClock
from storage import outbox, people
from storage.db import Database
from tests.recording import RecordingSession

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # 12:00 in Moscow: not quiet hours


async def new_person(db: Database, telegram_id: int, status: str = "active") -> int:
    async with db.begin() as conn:
        return await people.create(
            conn, telegram_id=telegram_id, locale="ru", username=None, status=status
        )


async def put(
    db: Database,
    person_id: int,
    chat_id: int,
    key: str,
    *,
    due_at: datetime = T0,
    payload: dict[str, Any] | None = None,
) -> bool:
    async with db.begin() as conn:
        return await outbox.enqueue(
            conn,
            person_id=person_id,
            chat_id=chat_id,
            kind="meeting_reminder_24h",
            payload=payload or {"text": f"Напоминание {key}"},
            due_at=due_at,
            dedupe_key=key,
        )


async def claim(db: Database, now: datetime, limit: int = 100, lease: float = 60) -> list[int]:
    async with db.begin() as conn:
        return [row.id for row in await outbox.claim_due(conn, now, limit, lease)]


async def row(db: Database, row_id: int) -> outbox.OutboxRow:
    async with db.connect() as conn:
        found = await outbox.get(conn, row_id)
    assert found is not None
    return found


async def counts(db: Database) -> dict[str, int]:
    async with db.connect() as conn:
        return await outbox.counts_by_status(conn)


class ScriptedSession(RecordingSession):
    """Answers like the Bot API, fails with queued errors, and notes when and to whom."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.failures: list[type[TelegramAPIError] | Exception] = []
        self.sends: list[tuple[float, int, str]] = []
        self._in_flight: set[int] = set()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        chat_id = int(getattr(method, "chat_id", 0))
        assert chat_id not in self._in_flight, "two sends to one chat at once"
        self._in_flight.add(chat_id)
        try:
            await asyncio.sleep(0)  # let other sends interleave, as a network would
            if self.failures:
                failure = self.failures.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                raise failure(method=method, message="Scripted failure")
            self.sends.append((self.clock.monotonic(), chat_id, getattr(method, "text", "")))
            return await super().make_request(bot, method, timeout)
        finally:
            self._in_flight.discard(chat_id)
