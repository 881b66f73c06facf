"""The people the bot talks to, cached by Telegram id and dropped on any write to them.

The person with his memberships is needed for every update, but changes rarely. Instead
of every write path remembering to invalidate (registration, /forget, /language, the
outbox marking a blocked person inactive, the back office, imports, ones not written
yet), the cache watches the engine: a statement that writes to `people`, `memberships`
or `organisations` empties it, and a load that overlapped such a write is not kept. The
CLI is another process and invisible to these hooks: the TTL bounds how long its change
may go unseen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.people import Person

__all__ = ["TTL_SECONDS", "PersonCache"]

TTL_SECONDS = 10.0
LIMIT = 10_000
_WATCHED = re.compile(r"\b(people|memberships|organisations)\b", re.IGNORECASE)
_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")
_DIRTY = "person_cache_dirty"


class PersonCache:
    """`get` misses with `MISS`; a load is stored with the ticket taken before it began."""

    MISS: Any = object()

    def __init__(
        self,
        engine: AsyncEngine,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[int, tuple[float, Person | None]] = {}
        self._generation = 0
        self._writers = 0  # connections holding uncommitted writes to the watched tables
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_execute)
        event.listen(engine.sync_engine, "checkin", self._on_checkin)

    def get(self, telegram_id: int) -> Person | None:
        entry = self._entries.get(telegram_id)
        if entry is None or entry[0] <= self.clock():
            return self.MISS  # type: ignore[no-any-return]
        return entry[1]

    def ticket(self) -> int:
        return self._generation

    def put(self, telegram_id: int, person: Person | None, ticket: int) -> None:
        if ticket != self._generation or self._writers:
            return  # a write ran meanwhile: what was read may already be stale
        if len(self._entries) >= LIMIT:
            self._entries.pop(next(iter(self._entries)))
        self._entries[telegram_id] = (self.clock() + self.ttl, person)

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()

    def _on_execute(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:9].upper().startswith(_READS) or not _WATCHED.search(statement):
            return
        if not conn.info.get(_DIRTY):
            conn.info[_DIRTY] = True
            self._writers += 1
        self.clear()

    def _on_checkin(self, _dbapi_conn: Any, record: Any) -> None:
        # Back in the pool means committed or rolled back: loads from now on see the result.
        if record is not None and record.info.pop(_DIRTY, False):
            self._writers -= 1
            self.clear()
